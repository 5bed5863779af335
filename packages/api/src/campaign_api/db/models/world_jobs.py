"""Bookkeeping of world-time work: per-(branch, kind) watermarks and deferred effects.

`WorldJobWatermark` is the exactly-once guard of the scheduler's due work: the world time up to which
a branch's work of one kind is done, advanced with a conditional update in the same transaction as
the changes it covers. `DeferredEffect` is an effect with a delay, recorded when its owner resolved
(or expired) and applied once when the branch's world time reaches `due_at`.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from advanced_alchemy.base import UUIDv7Base
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

#: kinds of due work, in the order they are processed
WORLD_JOB_KINDS = ("EXPIRATION", "DEFERRED", "GROWTH", "MAINTENANCE")


def _now() -> datetime:
    return datetime.now(UTC)


class WorldJobWatermark(UUIDv7Base):
    """World time up to which one kind of due work of one branch is done: the span `(…, processed_to]`."""

    __tablename__ = "world_job_watermarks"
    __table_args__ = (
        UniqueConstraint("branch_id", "kind", name="uq_world_job_watermarks_branch_kind"),
        CheckConstraint("kind IN ('EXPIRATION','DEFERRED','GROWTH','MAINTENANCE')", name="kind_known"),
    )

    campaign_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("branches.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    processed_to: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), default=_now, onupdate=_now)


class DeferredEffect(UUIDv7Base):
    """An effect due at `due_at` (world time) on one branch; `applied_at` is set exactly once."""

    __tablename__ = "deferred_effects"
    __table_args__ = (
        UniqueConstraint("branch_id", "effect_id", "resolved_at", name="uq_deferred_effects_branch_effect_resolved"),
        CheckConstraint("outcome IS NULL OR outcome IN ('APPLIED','FAILED','SKIPPED')", name="outcome_known"),
        Index("ix_deferred_effects_pending", "branch_id", "due_at", postgresql_where=text("applied_at IS NULL")),
    )

    campaign_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("branches.id", ondelete="CASCADE"))
    effect_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"))
    owner_type: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    #: world time the owner resolved (or expired) at, and the world time the effect is due
    resolved_at: Mapped[int] = mapped_column(BigInteger)
    due_at: Mapped[int] = mapped_column(BigInteger)
    #: world time it was applied at (None while pending) and what happened
    applied_at: Mapped[int | None] = mapped_column(BigInteger)
    outcome: Mapped[str | None] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)
    #: the ancestor branch's row this one was copied from (a branch forked between resolve and due time)
    inherited_from: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), default=_now)
    applied_recorded_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
