"""The metadata every model registers on, with a naming convention so Alembic names are stable."""

from __future__ import annotations

from advanced_alchemy.base import orm_registry
from sqlalchemy import MetaData

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata: MetaData = orm_registry.metadata
metadata.naming_convention = NAMING_CONVENTION

# Tables that PostgreSQL extensions own; Alembic must neither create nor drop them.
EXTENSION_TABLES = frozenset({"spatial_ref_sys", "topology", "layer"})
