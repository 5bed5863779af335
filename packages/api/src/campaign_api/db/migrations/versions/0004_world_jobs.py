"""world jobs: watermarks and deferred effects

Revision ID: 0004_world_jobs
Revises: 0003_auth
Create Date: 2026-11-28 18:57:36.116595
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "0004_world_jobs"
down_revision: str | None = "0003_auth"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deferred_effects",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("campaign_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("branch_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("effect_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("owner_type", sa.String(length=32), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("resolved_at", sa.BigInteger(), nullable=False),
        sa.Column("due_at", sa.BigInteger(), nullable=False),
        sa.Column("applied_at", sa.BigInteger(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("inherited_from", sa.Uuid(), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("applied_recorded_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('APPLIED','FAILED','SKIPPED')",
            name=op.f("ck_deferred_effects_outcome_known"),
        ),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.id"], name=op.f("fk_deferred_effects_branch_id_branches"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_deferred_effects_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["effect_id"], ["entities.id"], name=op.f("fk_deferred_effects_effect_id_entities"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deferred_effects")),
        sa.UniqueConstraint("branch_id", "effect_id", "resolved_at", name="uq_deferred_effects_branch_effect_resolved"),
    )
    op.create_index(op.f("ix_deferred_effects_campaign_id"), "deferred_effects", ["campaign_id"], unique=False)
    op.create_index(
        "ix_deferred_effects_pending",
        "deferred_effects",
        ["branch_id", "due_at"],
        unique=False,
        postgresql_where=sa.text("applied_at IS NULL"),
    )
    op.create_table(
        "world_job_watermarks",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("campaign_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("branch_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("processed_to", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('EXPIRATION','DEFERRED','GROWTH','MAINTENANCE')", name=op.f("ck_world_job_watermarks_kind_known")
        ),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.id"], name=op.f("fk_world_job_watermarks_branch_id_branches"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_world_job_watermarks_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_world_job_watermarks")),
        sa.UniqueConstraint("branch_id", "kind", name="uq_world_job_watermarks_branch_kind"),
    )
    op.create_index(op.f("ix_world_job_watermarks_campaign_id"), "world_job_watermarks", ["campaign_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_world_job_watermarks_campaign_id"), table_name="world_job_watermarks")
    op.drop_table("world_job_watermarks")
    op.drop_index(
        "ix_deferred_effects_pending", table_name="deferred_effects", postgresql_where=sa.text("applied_at IS NULL")
    )
    op.drop_index(op.f("ix_deferred_effects_campaign_id"), table_name="deferred_effects")
    op.drop_table("deferred_effects")
