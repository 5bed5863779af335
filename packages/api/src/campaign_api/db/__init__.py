"""Database schema (SQLAlchemy metadata) and migrations (Alembic)."""
