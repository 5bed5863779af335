"""Domain tests run the services against a real, migrated PostgreSQL + PostGIS database."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from campaign_api.db.migrate import upgrade
from campaign_api.db.models import Branch, Campaign, User, World
from campaign_api.domain.service import DomainService
from campaign_shared.settings import DatabaseSettings, Settings
from devstack import ensure_database

PG = "postgresql://postgres@127.0.0.1:5432"
NAME = "campaign_domain_test"


@pytest.fixture(scope="session")
def domain_db_url() -> str:
    ensure_database(f"{PG}/postgres", NAME, recreate=True)
    settings = Settings(database=DatabaseSettings(url=f"{PG}/{NAME}"))
    upgrade(settings)
    return settings.database.sqlalchemy_url


@pytest.fixture(scope="session")
async def engine(domain_db_url: str) -> AsyncIterator[AsyncEngine]:
    eng = create_async_engine(domain_db_url, pool_size=25, max_overflow=5)
    yield eng
    await eng.dispose()


UnitOfWork = Callable[..., Any]


@pytest.fixture(scope="session")
def uow(engine: AsyncEngine) -> UnitOfWork:
    """`async with uow(actor) as svc:` — one transaction, committed at the end unless it raised."""
    factory = async_sessionmaker(engine, expire_on_commit=False)

    @asynccontextmanager
    async def unit(actor: uuid.UUID | None = None) -> AsyncIterator[DomainService]:
        async with factory() as session, session.begin():
            yield DomainService(session, actor)

    return unit


@pytest.fixture
async def campaign(uow: UnitOfWork) -> tuple[Campaign, Branch, uuid.UUID]:
    """A fresh user, world and campaign (main branch at world time 1000) per test."""
    async with uow() as svc:
        user = User(email=f"gm-{uuid.uuid4().hex[:8]}@example.test", name="GM", password_hash="x")
        svc.session.add(user)
        await svc.session.flush()
        svc.actor_id = user.id
        world: World = await svc.create_world(user.id, "Test World", "", "gregorian")
        campaign, main = await svc.create_campaign(world, "Test Campaign", start_time=1000)
    return campaign, main, user.id


Run = Callable[[Callable[[DomainService], Awaitable[Any]]], Awaitable[Any]]
