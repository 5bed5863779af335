"""Entry points: `seed_demo` (idempotent) and `reset_demo` (remove the demo data, then seed again).

Both run in one database transaction, serialised by an advisory lock so two seeds started at once
cannot both create the world. The map image goes to S3 before the commit (the world never points to a
missing object); objects of a removed demo world are deleted after the commit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from loguru import logger
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from campaign_api.db.models import Branch, Campaign, Upload, User, World
from campaign_api.domain.service import DomainService
from campaign_api.seed.accounts import DEMO_ACCOUNTS
from campaign_api.seed.builder import DemoBuilder, DemoWorld, ensure_accounts, find_demo
from campaign_api.storage import ObjectStorage
from campaign_shared.settings import Settings

#: pg_advisory_xact_lock key of the demo seed ("seed" in hex, padded)
SEED_LOCK = 0x5EED_0000_DE30


class SeedRefused(RuntimeError):
    """The seed must not run here (production without --force)."""


def _guard(settings: Settings, force: bool) -> None:
    if settings.is_production and not force:
        raise SeedRefused(
            "refusing to load the demo world with APP_ENV=production: its accounts have published passwords "
            "(use --force if you really mean it)"
        )


@asynccontextmanager
async def _session(settings: Settings) -> AsyncIterator[AsyncSession]:
    engine = create_async_engine(settings.database.sqlalchemy_url, pool_size=1, max_overflow=0)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            yield session
    finally:
        await engine.dispose()


async def seed_in_session(session: AsyncSession, storage: ObjectStorage | None) -> DemoWorld:
    """Create the demo world in the session's transaction, unless it exists (then change nothing)."""
    await session.execute(select(func.pg_advisory_xact_lock(SEED_LOCK)))
    existing = await find_demo(session)
    if existing is not None:
        return existing
    users = await ensure_accounts(session)
    service = DomainService(session, users["OWNER"].id)
    return await DemoBuilder(service, users, storage).build()


async def remove_demo(session: AsyncSession) -> list[str]:
    """Delete the demo accounts, every world they own and those worlds' campaigns. Returns S3 keys to delete."""
    await session.execute(select(func.pg_advisory_xact_lock(SEED_LOCK)))
    emails = [a.email for a in DEMO_ACCOUNTS]
    user_ids = list(await session.scalars(select(User.id).where(func.lower(User.email).in_(emails))))
    if not user_ids:
        return []
    worlds = list(await session.scalars(select(World).where(World.owner_id.in_(user_ids))))
    world_ids = [w.id for w in worlds]
    campaign_ids = list(await session.scalars(select(Campaign.id).where(Campaign.world_id.in_(world_ids))))
    keys = [w.map_image_key for w in worlds if w.map_image_key]
    keys += list(
        await session.scalars(
            select(Upload.s3_key).where((Upload.campaign_id.in_(campaign_ids)) | (Upload.owner_id.in_(world_ids)))
        )
    )
    # child branches before their parents (parent_id is ON DELETE RESTRICT)
    depths = await session.scalars(
        select(Branch.depth).where(Branch.campaign_id.in_(campaign_ids)).distinct().order_by(Branch.depth.desc())
    )
    for depth in list(depths):
        await session.execute(delete(Branch).where(Branch.campaign_id.in_(campaign_ids), Branch.depth == depth))
    await session.execute(delete(Campaign).where(Campaign.id.in_(campaign_ids)))
    await session.execute(delete(Upload).where(Upload.owner_id.in_(world_ids)))
    await session.execute(delete(World).where(World.id.in_(world_ids)))
    await session.execute(delete(User).where(User.id.in_(user_ids)))
    await session.flush()
    logger.info(
        "removed the demo data: {} account(s), {} world(s), {} campaign(s)",
        len(user_ids),
        len(world_ids),
        len(campaign_ids),
    )
    return sorted(set(keys))


async def _remove_objects(storage: ObjectStorage, keys: list[str]) -> None:
    def remove() -> None:
        for key in keys:
            try:
                storage.client.remove_object(storage.bucket, key)
            except Exception as exc:  # a stale object is harmless; the reset itself is committed
                logger.warning("could not delete s3://{}/{}: {}", storage.bucket, key, exc)

    await anyio.to_thread.run_sync(remove)


async def seed_demo(settings: Settings, *, force: bool = False) -> DemoWorld:
    """Load the demo world unless it is there already (a second run changes nothing)."""
    _guard(settings, force)
    storage = ObjectStorage(settings.s3)
    async with _session(settings) as session, session.begin():
        result = await seed_in_session(session, storage)
    if result.created:
        logger.info("demo world created: world {} campaign {}", result.world_id, result.campaign_id)
    else:
        logger.info("demo world already present (campaign {}): nothing to do", result.campaign_id)
    return result


async def reset_demo(settings: Settings, *, force: bool = False) -> DemoWorld:
    """Remove the demo accounts, worlds and campaigns, and seed again, in one transaction."""
    _guard(settings, force)
    storage = ObjectStorage(settings.s3)
    async with _session(settings) as session, session.begin():
        stale = await remove_demo(session)
        result = await seed_in_session(session, storage)
    await _remove_objects(storage, [key for key in stale if key != result.map_image_key])
    return result
