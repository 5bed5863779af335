"""Rules content: conditions, effects, state variables and GM secrets (all versioned)."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from sqlalchemy import BigInteger, CheckConstraint, Index, Integer, String, Text, Uuid, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from campaign_api.db.models.versioning import VersionedRow

LIVE = text("valid_to IS NULL AND NOT is_deleted")


class Condition(VersionedRow):
    """A JSON Logic expression deciding `available`, `visible` or a computed field of its owner."""

    __tablename__ = "conditions"
    entity_type: ClassVar[str] = "CONDITION"
    content_fields = ("owner_type", "owner_id", "field", "expression", "priority", "active", "archived_at")

    owner_type: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    field: Mapped[str] = mapped_column(String(100))
    expression: Mapped[Any] = mapped_column(JSONB)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(default=True)

    @classmethod
    def extra_table_args(cls) -> tuple[Any, ...]:
        return (Index("ix_conditions_owner", "owner_id"),)


class Effect(VersionedRow):
    """JSON Patch operations applied to the target when the owner event/encounter resolves."""

    __tablename__ = "effects"
    entity_type: ClassVar[str] = "EFFECT"
    content_fields = (
        "owner_type",
        "owner_id",
        "target_type",
        "target_id",
        "operations",
        "timing",
        "priority",
        "delay_seconds",
        "active",
        "archived_at",
    )

    owner_type: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    operations: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    timing: Mapped[str] = mapped_column(String(16), default="ON_RESOLVE")
    priority: Mapped[int] = mapped_column(Integer, default=0)
    delay_seconds: Mapped[int | None] = mapped_column(BigInteger)
    active: Mapped[bool] = mapped_column(default=True)

    @classmethod
    def extra_table_args(cls) -> tuple[Any, ...]:
        return (
            CheckConstraint("timing IN ('PRE','ON_RESOLVE','POST','ON_EXPIRE')", name="effect_timing_known"),
            CheckConstraint("delay_seconds IS NULL OR delay_seconds >= 0", name="effect_delay"),
            Index("ix_effects_owner", "owner_id"),
            Index("ix_effects_target", "target_id"),
        )


class StateVariable(VersionedRow):
    """A named value (or a derived JSON Logic formula) attached to a scope."""

    __tablename__ = "state_variables"
    entity_type: ClassVar[str] = "STATE_VARIABLE"
    content_fields = (
        "scope",
        "scope_id",
        "key",
        "var_type",
        "value",
        "formula",
        "description",
        "archived_at",
    )

    scope: Mapped[str] = mapped_column(String(32))
    scope_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    key: Mapped[str] = mapped_column(String(100))
    var_type: Mapped[str] = mapped_column(String(16))
    value: Mapped[Any] = mapped_column(JSONB(none_as_null=True), nullable=True)
    formula: Mapped[Any] = mapped_column(JSONB(none_as_null=True), nullable=True)
    description: Mapped[str] = mapped_column(Text, default="")

    @classmethod
    def extra_table_args(cls) -> tuple[Any, ...]:
        return (
            CheckConstraint(
                "var_type IN ('STRING','INTEGER','FLOAT','BOOLEAN','JSON','DERIVED')", name="var_type_known"
            ),
            CheckConstraint("(var_type = 'DERIVED') = (formula IS NOT NULL)", name="derived_has_formula"),
            Index("ix_state_variables_scope", "scope_id", "key"),
            # one live variable per (scope, scope id, key) on a branch
            Index(
                "uq_state_variables_live_key",
                "branch_id",
                "scope",
                text("coalesce(scope_id, '00000000-0000-0000-0000-000000000000'::uuid)"),
                "key",
                unique=True,
                postgresql_where=LIVE,
            ),
        )


class Secret(VersionedRow):
    """GM-only text on an entity; players see it only once revealed to them or their party."""

    __tablename__ = "secrets"
    entity_type: ClassVar[str] = "SECRET"
    content_fields = ("owner_type", "owner_id", "text", "revealed_to", "archived_at")

    owner_type: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    text: Mapped[str] = mapped_column(Text)
    revealed_to: Mapped[list[str]] = mapped_column(JSONB, default=list)

    @classmethod
    def extra_table_args(cls) -> tuple[Any, ...]:
        return (Index("ix_secrets_owner", "owner_id"),)
