"""Redis-backed rate limiting: fixed windows counted with INCR + EXPIRE in one pipeline round trip.

Shared by every API process (the counters live in Redis), keyed by rule, subject (an IP, a user id…) and
window, under `REDIS_CHANNEL_PREFIX` so stacks sharing one Redis do not collide. If Redis is unreachable
the limiter lets requests through and logs a warning: an outage of the limiter must not take sign-in down
(readiness already reports Redis as failing).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import redis.asyncio as aioredis
from loguru import logger
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


class RateLimiter:
    def __init__(self, redis: aioredis.Redis, prefix: str) -> None:  # type: ignore[type-arg]
        self.redis = redis
        self.prefix = prefix

    @classmethod
    def from_resources(cls, resources: Resources) -> RateLimiter:
        """The limiter on the API's Redis (`resources.redis`, keys under the stack's channel prefix)."""
        return cls(resources.redis, resources.settings.redis.channel_prefix)

    def key(self, rule: RateLimit, subject: str, window: int) -> str:
        return f"{self.prefix}:ratelimit:{rule.name}:{subject}:{window}"

    async def hit(self, rule: RateLimit, subject: str) -> RateLimitResult:
        """Count one hit of `subject` against `rule`."""
        now = time.time()
        window = int(now // rule.window_seconds)
        key = self.key(rule, subject, window)
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.incr(key)
                pipe.expire(key, rule.window_seconds + 1)
                count, _ = await pipe.execute()
        except (RedisError, OSError) as exc:
            logger.warning("rate limiter unavailable ({}): allowing {} for {}", exc, rule.name, subject)
            return RateLimitResult(allowed=True, count=0, limit=rule.limit, retry_after=0)
        count = int(count)
        if count <= rule.limit:
            return RateLimitResult(allowed=True, count=count, limit=rule.limit, retry_after=0)
        reset = (window + 1) * rule.window_seconds
        return RateLimitResult(allowed=False, count=count, limit=rule.limit, retry_after=max(1, math.ceil(reset - now)))

    async def enforce(self, rule: RateLimit, subject: str) -> None:
        """Count one hit; raise RATE_LIMITED (with `retryAfter` seconds in the details) over the limit."""
        result = await self.hit(rule, subject)
        if not result.allowed:
            raise RateLimited(
                f"too many requests; retry in {result.retry_after} s",
                details={
                    "retryAfter": result.retry_after,
                    "limit": rule.limit,
                    "window": rule.window_seconds,
                },
            )
