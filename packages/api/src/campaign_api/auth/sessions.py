"""Database sessions for auth requests: one short session per unit of work, committed explicitly.

Nothing here commits on its own: a request that fails before its `commit()` writes nothing. Slow work
(argon2) happens between sessions, so a burst of logins does not hold pool connections while hashing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession

from campaign_api.resources import Resources


@asynccontextmanager
async def session_scope(resources: Resources) -> AsyncIterator[AsyncSession]:
    """A session on the API's engine; uncommitted work is rolled back when the block exits."""
    async with AsyncSession(resources.engine, expire_on_commit=False) as session:
        yield session
