"""A real rules engine (gRPC + HTTP + Redis subscriber) on free loopback ports, per test module.

Its channel prefix is unique, so invalidations published by other stacks sharing the Redis server
never reach it (pub/sub channels are not scoped by Redis database).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis
from grpclib.client import Channel

from campaign_rules_engine.server import RulesEngineRuntime
from campaign_shared.grpc import rules_v1
from campaign_shared.settings import RedisSettings, RulesEngineSettings, Settings
from devstack import free_port


@pytest.fixture(scope="module")
async def runtime(test_redis_url: str) -> AsyncIterator[RulesEngineRuntime]:
    settings = Settings(
        redis=RedisSettings(url=test_redis_url, channel_prefix=f"test-rules-{uuid.uuid4().hex[:8]}"),
        rules_engine=RulesEngineSettings(grpc_port=free_port(), http_port=free_port()),
    )
    rt = RulesEngineRuntime(settings)
    await rt.start()
    yield rt
    await rt.stop()


@pytest.fixture
async def channel(runtime: RulesEngineRuntime) -> AsyncIterator[Channel]:
    ch = Channel("127.0.0.1", runtime.settings.rules_engine.grpc_port)
    yield ch
    ch.close()


@pytest.fixture
def stub(channel: Channel) -> rules_v1.RulesEngineStub:
    return rules_v1.RulesEngineStub(channel, timeout=5)


@pytest.fixture
async def redis_client(test_redis_url: str) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.Redis.from_url(test_redis_url)
    yield client
    await client.aclose()


@pytest.fixture
def campaign() -> str:
    """A fresh campaign id per test, so cache assertions never see another test's entries."""
    return f"camp-{uuid.uuid4().hex[:12]}"
