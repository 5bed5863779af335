"""Worlds, campaigns, memberships and branches: plain (unversioned) tables that scope everything else."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column


class World(UUIDv7AuditBase):
    __tablename__ = "worlds"

    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    calendar: Mapped[dict[str, Any]] = mapped_column(JSONB)
    settings: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    map_image_key: Mapped[str | None] = mapped_column(String(500))
    map_bounds: Mapped[list[float] | None] = mapped_column(JSONB)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class Campaign(UUIDv7AuditBase):
    __tablename__ = "campaigns"
    __table_args__ = (CheckConstraint("srid > 0", name="srid_positive"),)

    world_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("worlds.id", ondelete="RESTRICT"), index=True)
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    settings: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    srid: Mapped[int] = mapped_column(Integer, default=3857)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class Membership(UUIDv7AuditBase):
    """The single source of truth for who may do what in a campaign."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("campaign_id", "user_id", name="uq_memberships_campaign_user"),
        CheckConstraint("role IN ('OWNER','GM','PLAYER','VIEWER')", name="role_known"),
    )

    campaign_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))


class Branch(UUIDv7AuditBase):
    """A timeline. The root is `main`; a child forks from its parent at `fork_time` and has its own clock."""

    __tablename__ = "branches"
    __table_args__ = (
        UniqueConstraint("campaign_id", "name", name="uq_branches_campaign_name"),
        CheckConstraint("world_time >= fork_time", name="clock_after_fork"),
        CheckConstraint("(parent_id IS NULL) = (depth = 0)", name="root_has_no_parent"),
        Index("ix_branches_parent", "parent_id"),
    )

    campaign_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("branches.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    fork_time: Mapped[int] = mapped_column(BigInteger, default=0)
    world_time: Mapped[int] = mapped_column(BigInteger, default=0)
    depth: Mapped[int] = mapped_column(Integer, default=0)
    color: Mapped[str | None] = mapped_column(String(20))
    pinned: Mapped[bool] = mapped_column(default=False)
    tags: Mapped[list[str]] = mapped_column(JSONB, default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
