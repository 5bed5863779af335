"""Append-only records: audit log, merge history, effect executions, uploads."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from advanced_alchemy.base import UUIDv7Base
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, Uuid
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column


def _now() -> datetime:
    return datetime.now(UTC)


class AuditEntry(UUIDv7Base):
    """One row per change, written in the same transaction as the change."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_campaign_time", "campaign_id", "recorded_at"),
        Index("ix_audit_entity", "entity_id"),
    )

    campaign_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    branch_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    operation: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    world_time: Mapped[int | None] = mapped_column(BigInteger)
    version: Mapped[int | None]
    before: Mapped[Any] = mapped_column(JSONB)
    after: Mapped[Any] = mapped_column(JSONB)
    diff: Mapped[Any] = mapped_column(JSONB)
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), default=_now)


class MergeRecord(UUIDv7Base):
    __tablename__ = "merge_history"

    campaign_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    source_branch_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    target_branch_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    world_time: Mapped[int] = mapped_column(BigInteger)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    kind: Mapped[str] = mapped_column(String(16), default="MERGE")
    changes: Mapped[Any] = mapped_column(JSONB)
    resolutions: Mapped[Any] = mapped_column(JSONB)
    recorded_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), default=_now)


class EffectExecution(UUIDv7Base):
    __tablename__ = "effect_executions"
    __table_args__ = (Index("ix_effect_executions_effect", "effect_id"),)

    campaign_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    branch_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    effect_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    world_time: Mapped[int] = mapped_column(BigInteger)
    executed_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    diff: Mapped[Any] = mapped_column(JSONB)
    success: Mapped[bool]
    error: Mapped[str | None] = mapped_column(Text)
    dry_run: Mapped[bool] = mapped_column(default=False)
    recorded_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), default=_now)


class Upload(UUIDv7Base):
    __tablename__ = "uploads"

    campaign_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    owner_type: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    s3_key: Mapped[str] = mapped_column(String(500), unique=True)
    content_type: Mapped[str] = mapped_column(String(200))
    size: Mapped[int | None] = mapped_column(BigInteger)
    checksum: Mapped[str | None] = mapped_column(String(128))
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    recorded_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), default=_now)
