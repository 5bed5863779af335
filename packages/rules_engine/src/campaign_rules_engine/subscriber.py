"""The Redis subscriber that applies rules-invalidation messages, for as long as the engine runs.

It decodes with the one shared schema (`campaign_shared.messages`), so a renamed field fails on
both sides instead of silently never matching (the earlier `conditionId`/`entityId` mismatch).
A malformed message is logged and skipped; Redis going away only pauses the loop, which reconnects
with backoff. Each (re)subscription calls ``on_subscribed`` because messages sent while we were not
listening are lost: the runtime clears the cache then, trading hit rate for never being stale.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import Callable

import redis.asyncio as aioredis
from loguru import logger
from pydantic import ValidationError
from redis.exceptions import RedisError

from campaign_rules_engine.metrics import INVALIDATION_MESSAGES, SUBSCRIBER_CONNECTED, SUBSCRIBER_CONNECTS
from campaign_shared.messages import RulesInvalidation, decode

_POLL_SECONDS = 1.0
_HEALTH_CHECK_SECONDS = 10


class InvalidationSubscriber:
    def __init__(
        self,
        redis_url: str,
        channel: str,
        handle: Callable[[RulesInvalidation], object],
        on_subscribed: Callable[[], object] = lambda: None,
        *,
        retry_min_s: float = 0.1,
        retry_max_s: float = 5.0,
    ) -> None:
        self.redis_url = redis_url
        self.channel = channel
        self.handle = handle
        self.on_subscribed = on_subscribed
        self.retry_min_s = retry_min_s
        self.retry_max_s = retry_max_s
        self.client_name = f"rules-engine-invalidations-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        """Name of the subscriber's Redis connection (CLIENT LIST), for operators and tests."""
        self.subscriptions = 0
        self._connected = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="rules-invalidation-subscriber")

    async def wait_connected(self, timeout_s: float) -> bool:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._connected.wait(), timeout_s)
        return self.connected

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def check(self) -> None:
        """Readiness: an engine that cannot hear invalidations would serve stale results."""
        if not self.connected:
            raise RuntimeError(f"not subscribed to {self.channel}")

    async def _run(self) -> None:
        delay = self.retry_min_s
        while True:
            client: aioredis.Redis = aioredis.Redis.from_url(
                self.redis_url, client_name=self.client_name, health_check_interval=_HEALTH_CHECK_SECONDS
            )
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self.channel)
                self._set_connected(True)
                self.subscriptions += 1
                SUBSCRIBER_CONNECTS.inc()
                logger.info("subscribed to {}", self.channel)
                try:
                    self.on_subscribed()
                except Exception:
                    logger.exception("on_subscribed hook failed")
                delay = self.retry_min_s
                while True:
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=_POLL_SECONDS)
                    if message is not None and message.get("type") == "message":
                        self.dispatch(message["data"])
            except (RedisError, OSError) as exc:
                logger.warning("invalidation subscriber lost Redis ({}); retrying in {:.1f}s", exc, delay)
            except Exception:  # a bug must not end invalidation for the life of the process
                logger.exception("invalidation subscriber failed; retrying in {:.1f}s", delay)
            finally:
                self._set_connected(False)
                with contextlib.suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]
                with contextlib.suppress(Exception):
                    await client.aclose()
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.retry_max_s)

    def dispatch(self, raw: bytes | str) -> bool:
        """Apply one raw message; never raises (a bad message must not end the subscription)."""
        try:
            message = decode(raw)
        except (ValidationError, ValueError) as exc:
            INVALIDATION_MESSAGES.labels("malformed").inc()
            logger.warning("skipping malformed invalidation message {!r}: {}", _preview(raw), _first_line(exc))
            return False
        if not isinstance(message, RulesInvalidation):
            INVALIDATION_MESSAGES.labels("ignored").inc()
            logger.warning("skipping {} message on {}", message.type, self.channel)
            return False
        try:
            self.handle(message)
        except Exception:
            INVALIDATION_MESSAGES.labels("failed").inc()
            logger.exception("applying invalidation {} failed", message.message_id)
            return False
        INVALIDATION_MESSAGES.labels("applied").inc()
        return True

    def _set_connected(self, connected: bool) -> None:
        if connected:
            self._connected.set()
        else:
            self._connected.clear()
        SUBSCRIBER_CONNECTED.set(1 if connected else 0)


def _preview(raw: bytes | str, limit: int = 200) -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    return text[:limit]


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
