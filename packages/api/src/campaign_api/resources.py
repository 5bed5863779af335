"""Long-lived clients of one API process, created at start-up and closed at shutdown."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import redis.asyncio as aioredis
from psycopg_pool import AsyncConnectionPool
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from campaign_api.cache import ResultCache
from campaign_api.metrics import DB_STATEMENTS
from campaign_api.rules_client import RulesEngineClient
from campaign_api.storage import ObjectStorage
from campaign_shared.settings import Settings

if TYPE_CHECKING:
    from campaign_api.auth.user_states import UserStates


def _count_statement(*_args: Any) -> None:
    DB_STATEMENTS.inc()


@dataclass
class Resources:
    settings: Settings
    engine: AsyncEngine
    redis: aioredis.Redis  # type: ignore[type-arg]
    storage: ObjectStorage
    rules: RulesEngineClient
    sessions: async_sessionmaker[AsyncSession]
    cache: ResultCache
    #: a tiny autocommit pool for the credential check every request makes: one round trip, no ORM
    #: session (a pooled SQLAlchemy session costs a ping, the query and a rollback)
    auth_db: AsyncConnectionPool
    #: batched reads of user state over `auth_db`
    user_states: UserStates = field(init=False)

    def __post_init__(self) -> None:
        from campaign_api.auth.user_states import UserStates  # the auth package imports this module

        self.user_states = UserStates(self.auth_db)

    @classmethod
    def create(cls, settings: Settings, engine: AsyncEngine) -> Resources:
        event.listen(engine.sync_engine, "before_cursor_execute", _count_statement)
        return cls(
            settings=settings,
            engine=engine,
            redis=aioredis.Redis.from_url(settings.redis.url),
            cache=ResultCache(
                aioredis.Redis.from_url(settings.redis.cache_url),
                settings.redis.channel_prefix,
                settings.api.cache_ttl_seconds,
            ),
            storage=ObjectStorage(settings.s3),
            rules=RulesEngineClient(settings.rules_client),
            sessions=async_sessionmaker(engine, expire_on_commit=False),
            auth_db=AsyncConnectionPool(
                settings.database.libpq_url,
                min_size=1,
                max_size=4,
                open=False,
                kwargs={"autocommit": True},
                name="auth-lookups",
            ),
        )

    async def open(self) -> None:
        await self.auth_db.open(wait=False)

    async def check_database(self) -> None:
        """PostgreSQL answers and has PostGIS (the API cannot store geometry without it)."""
        async with self.engine.connect() as conn:
            version = (await conn.execute(text("SELECT postgis_lib_version()"))).scalar_one()
        if not version:
            raise RuntimeError("PostGIS is not installed")

    async def check_redis(self) -> None:
        await self.redis.ping()

    async def check_s3(self) -> None:
        await self.storage.check_bucket()

    async def check_rules_engine(self) -> None:
        await self.rules.check_health(self.settings.api.health_timeout_ms / 1000)

    async def close(self) -> None:
        await self.auth_db.close()
        self.rules.close()
        await self.redis.aclose()
        await self.cache.redis.aclose()
