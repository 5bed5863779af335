"""What the answer being computed depends on, collected while it is computed (see graphql/response_cache.py).

A context variable carries one `Dependencies` per cached-query execution, so code far from GraphQL
(authorization, the rules client's fallback, job state) can record or veto without being passed it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from loguru import logger
from redis.exceptions import RedisError

from campaign_api.cache import ResultCache


@dataclass
class Dependencies:
    """What one query execution read: campaign -> generation seen before its data was read."""

    cache: ResultCache
    generations: dict[uuid.UUID, int] = field(default_factory=dict)
    cacheable: bool = True

    async def track(self, campaign_id: uuid.UUID | None) -> None:
        if campaign_id is None:
            self.cacheable = False
        elif self.cacheable and campaign_id not in self.generations:
            try:
                self.generations[campaign_id] = await self.cache.generation(str(campaign_id))
            except (RedisError, OSError) as exc:  # no cache then, but the query itself still runs
                logger.warning("response cache unavailable: {}", exc)
                self.cacheable = False


_current: ContextVar[Dependencies | None] = ContextVar("response_dependencies", default=None)


def current() -> Dependencies | None:
    return _current.get()


def forbid() -> None:
    """The answer being computed depends on more than campaign data: do not store it."""
    deps = _current.get()
    if deps is not None:
        deps.cacheable = False


@contextmanager
def tracking(deps: Dependencies) -> Iterator[None]:
    token = _current.set(deps)
    try:
        yield
    finally:
        _current.reset(token)
