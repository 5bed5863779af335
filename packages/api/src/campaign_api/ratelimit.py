"""Redis-backed rate limiting: fixed windows counted with INCR + EXPIRE in one Lua call (one round trip).

Shared by every API process (the counters live in Redis), keyed by rule, subject (an IP, a user id…) and
window, under `REDIS_CHANNEL_PREFIX` so stacks sharing one Redis do not collide. If Redis is unreachable
the limiter lets requests through and logs a warning: an outage of the limiter must not take sign-in down
(readiness already reports Redis as failing).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import redis.asyncio as aioredis
from loguru import logger
from redis.commands.core import AsyncScript
from redis.exceptions import RedisError

from campaign_api.errors import RateLimited
from campaign_api.resources import Resources


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most `limit` hits per `window_seconds` for one subject."""

    name: str
    limit: int
    window_seconds: int


@dataclass(frozen=True, slots=True)
class RateLimitResult:
    allowed: bool
    count: int
    limit: int
    retry_after: int  # seconds until the window resets (0 when allowed)


# The auth endpoints' limits, per client IP.
LOGIN_PER_IP = RateLimit("auth-login-ip", limit=10, window_seconds=60)
REGISTER_PER_IP = RateLimit("auth-register-ip", limit=10, window_seconds=60)
REFRESH_PER_IP = RateLimit("auth-refresh-ip", limit=30, window_seconds=60)


#: INCR every key (giving a new one its expiry) and return the counts: one round trip, atomic
_COUNT = """
local counts = {}
for i, key in ipairs(KEYS) do
  counts[i] = redis.call('INCR', key)
  if counts[i] == 1 then redis.call('EXPIRE', key, ARGV[i]) end
end
return counts
"""


@lru_cache(maxsize=8)
def _counting_script(redis: aioredis.Redis) -> AsyncScript:  # type: ignore[type-arg]
    """Registered once per Redis client (EVALSHA afterwards)."""
    return redis.register_script(_COUNT)


class RateLimiter:
    def __init__(self, redis: aioredis.Redis, prefix: str) -> None:  # type: ignore[type-arg]
        self.redis = redis
        self.prefix = prefix
        self._count = _counting_script(redis)

    @classmethod
    def from_resources(cls, resources: Resources) -> RateLimiter:
        """The limiter on the API's Redis (`resources.redis`, keys under the stack's channel prefix)."""
        return cls(resources.redis, resources.settings.redis.channel_prefix)

    def key(self, rule: RateLimit, subject: str, window: int) -> str:
        return f"{self.prefix}:ratelimit:{rule.name}:{subject}:{window}"

    async def hit(self, rule: RateLimit, subject: str) -> RateLimitResult:
        """Count one hit of `subject` against `rule`."""
        return (await self.hit_all([(rule, subject)]))[0]

    async def hit_all(self, hits: Sequence[tuple[RateLimit, str]]) -> list[RateLimitResult]:
        """Count one hit per (rule, subject), all in one Redis round trip."""
        now = time.time()
        windows = [int(now // rule.window_seconds) for rule, _ in hits]
        keys = [self.key(rule, subject, window) for (rule, subject), window in zip(hits, windows, strict=True)]
        try:
            replies = await self._count(keys=keys, args=[rule.window_seconds + 1 for rule, _ in hits])
        except (RedisError, OSError) as exc:
            logger.warning("rate limiter unavailable ({}): allowing {}", exc, ", ".join(r.name for r, _ in hits))
            return [RateLimitResult(allowed=True, count=0, limit=rule.limit, retry_after=0) for rule, _ in hits]
        results = []
        for (rule, _), window, count in zip(hits, windows, replies, strict=True):
            count = int(count)
            if count <= rule.limit:
                results.append(RateLimitResult(allowed=True, count=count, limit=rule.limit, retry_after=0))
                continue
            retry = max(1, math.ceil((window + 1) * rule.window_seconds - now))
            results.append(RateLimitResult(allowed=False, count=count, limit=rule.limit, retry_after=retry))
        return results

    async def enforce(self, rule: RateLimit, subject: str) -> None:
        """Count one hit; raise RATE_LIMITED (with `retryAfter` seconds in the details) over the limit."""
        await self.enforce_all([(rule, subject)])

    async def enforce_all(self, hits: Sequence[tuple[RateLimit, str]]) -> None:
        """Count every hit (one round trip); raise RATE_LIMITED for the first limit exceeded."""
        for (rule, _), result in zip(hits, await self.hit_all(hits), strict=True):
            if not result.allowed:
                raise RateLimited(
                    f"too many requests; retry in {result.retry_after} s",
                    details={
                        "retryAfter": result.retry_after,
                        "limit": rule.limit,
                        "window": rule.window_seconds,
                    },
                )
