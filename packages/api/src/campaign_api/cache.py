"""Cached results in Redis (logical DB `REDIS_CACHE_DB`), keyed by campaign and branch and invalidated
on change by a per-campaign generation number that every committed change increments.

Callers check permissions *before* reading the cache, and the caller's view (GM or player) is part
of the key, so a cached answer never reaches someone who may not see it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import msgspec
import redis.asyncio as aioredis
from loguru import logger
from redis.commands.core import AsyncScript
from redis.exceptions import RedisError

from campaign_api.metrics import CACHE_LOOKUPS


class ResultCache:
    def __init__(self, redis: aioredis.Redis, prefix: str, ttl_seconds: int) -> None:  # type: ignore[type-arg]
        self.redis = redis
        self.prefix = prefix
        self.ttl = ttl_seconds
        self._scripts: dict[str, AsyncScript] = {}

    @property
    def generation_prefix(self) -> str:
        return f"{self.prefix}:cache:gen:"

    def _generation_key(self, campaign_id: str) -> str:
        return f"{self.generation_prefix}{campaign_id}"

    async def key(self, name: str, campaign_id: str, branch_id: str, *parts: Any) -> str:
        generation = await self.redis.get(self._generation_key(campaign_id))
        digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:32]
        return f"{self.prefix}:cache:{name}:{campaign_id}:{branch_id}:{int(generation or 0)}:{digest}"

    async def generation(self, campaign_id: str) -> int:
        """The campaign's current generation (0 when never changed); raises if Redis is unreachable."""
        return int(await self.redis.get(self._generation_key(campaign_id)) or 0)

    def script(self, source: str) -> AsyncScript:
        """A Lua script registered once per cache client (EVALSHA afterwards)."""
        if source not in self._scripts:
            self._scripts[source] = self.redis.register_script(source)
        return self._scripts[source]

    async def get(self, name: str, key: str, *, raw: bool = False) -> Any | None:
        """The stored value, decoded; with `raw` the stored JSON text itself (`msgspec.Raw`), for values
        that are only passed on (the map layer) and need not be parsed."""
        if self.ttl <= 0:
            return None
        try:
            found = await self.redis.get(key)
        except (RedisError, OSError) as exc:
            logger.warning("cache unavailable: {}", exc)
            return None
        CACHE_LOOKUPS.labels(name, "hit" if found is not None else "miss").inc()
        if found is None:
            return None
        return msgspec.Raw(found) if raw else msgspec.json.decode(found)

    async def put(self, key: str, value: Any) -> None:
        """Store `value` as JSON (a `msgspec.Raw` is stored as the text it holds)."""
        if self.ttl <= 0:
            return
        try:
            await self.redis.set(key, msgspec.json.encode(value), ex=self.ttl)
        except (RedisError, OSError) as exc:
            logger.warning("cache unavailable: {}", exc)

    async def invalidate_campaign(self, campaign_id: str) -> None:
        """Every cached result of the campaign becomes unreachable (its keys expire on their own)."""
        try:
            await self.redis.incr(self._generation_key(campaign_id))
        except (RedisError, OSError) as exc:
            logger.warning("cache invalidation failed: {}", exc)
