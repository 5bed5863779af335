"""entities: (campaign, type, id) index that drives paged "as of" lists in id order

Revision ID: 0005_entity_list_order
Revises: 0004_world_jobs
Create Date: 2026-11-28 21:05:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005_entity_list_order"
down_revision: str | None = "0004_world_jobs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_entities_campaign_type", table_name="entities")
    op.create_index("ix_entities_campaign_type_id", "entities", ["campaign_id", "entity_type", "id"])


def downgrade() -> None:
    op.drop_index("ix_entities_campaign_type_id", table_name="entities")
    op.create_index("ix_entities_campaign_type", "entities", ["campaign_id", "entity_type"])
