"""Versioned, branch-aware storage shared by every campaign entity.

Each entity type has its own table of *version rows*: one row per change, valid over the half-open
world-time interval [valid_from, valid_to) on one branch. A read "as of (branch, t)" picks, per entity,
the row valid at t on the nearest branch of the ancestor chain (the child at t, its parent at
min(t, fork), ...), which is a single indexed query (see `campaign_api.domain.store`).

`EntityRecord` gives every entity one identity row (type, campaign) so polymorphic references can be
validated; `EntityHead` holds the version counter per (entity, branch) that optimistic locking
updates conditionally.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from advanced_alchemy.base import UUIDv7Base
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from campaign_api.db.base import metadata


def _now() -> datetime:
    return datetime.now(UTC)


class EntityRecord(UUIDv7Base):
    """Identity of an entity across all branches; `id` is the entity id."""

    __tablename__ = "entities"
    __table_args__ = (Index("ix_entities_campaign_type_id", "campaign_id", "entity_type", "id"),)

    entity_type: Mapped[str] = mapped_column(String(32))
    campaign_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), default=_now)
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class EntityHead(UUIDv7Base):
    """Latest version number of an entity on one branch: the row optimistic locking updates atomically."""

    __tablename__ = "entity_heads"
    __table_args__ = (Index("uq_entity_heads_entity_branch", "entity_id", "branch_id", unique=True),)

    entity_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"))
    branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("branches.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)


class VersionedRow(UUIDv7Base):
    """Columns every version row has; `id` is the version id (used by cherry-pick)."""

    __abstract__ = True
    entity_type: ClassVar[str]
    #: fields a client may set (everything else is bookkeeping and refused in patches)
    content_fields: ClassVar[tuple[str, ...]]

    entity_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"))
    campaign_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("branches.id", ondelete="CASCADE"))
    valid_from: Mapped[int] = mapped_column(BigInteger)
    valid_to: Mapped[int | None] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(Integer)
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), default=_now)
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    archived_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:  # noqa: N805 - declared_attr receives the class
        name = cls.__tablename__
        return (
            # "as of" lookups: rows of one branch valid at t (lists), and of one entity (reads)
            Index(f"ix_{name}_branch_from", "branch_id", "valid_from", "valid_to"),
            Index(f"ix_{name}_entity_branch", "entity_id", "branch_id", "valid_from"),
            # two live intervals of one entity on one branch can never start at the same time
            Index(
                f"uq_{name}_entity_branch_from",
                "entity_id",
                "branch_id",
                "valid_from",
                unique=True,
                postgresql_where=text("valid_to IS NULL OR valid_to > valid_from"),
            ),
            *cls.extra_table_args(),
        )

    @classmethod
    def extra_table_args(cls) -> tuple[Any, ...]:
        return ()


assert metadata is VersionedRow.metadata
