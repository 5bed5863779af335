"""The state of users that every authenticated request checks (active? tokens revoked since when?).

Read fresh for each request, so a disabled account or a logout-all takes effect at once, but batched:
the requests that ask during one turn of the event loop share one `WHERE id = ANY(...)` query, issued
on the next turn. Each read therefore still starts after the request arrived; under load (50 clients,
~1 500 requests/s) it is a few queries per turn instead of one round trip per request.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime

import psycopg
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from campaign_api.errors import DependencyUnavailable

#: (is_active, tokens_valid_after), or None when the user does not exist
UserState = tuple[bool, datetime | None] | None

_QUERY = "SELECT id, is_active, tokens_valid_after FROM users WHERE id = ANY(%s)"


class UserStates:
    def __init__(self, pool: AsyncConnectionPool) -> None:
        self._pool = pool
        self._waiting: dict[uuid.UUID, list[asyncio.Future[UserState]]] = {}
        self._reads: set[asyncio.Task[None]] = set()  # strong references until each read is done

    async def get(self, user_id: uuid.UUID) -> UserState:
        loop = asyncio.get_running_loop()
        if not self._waiting:
            loop.call_soon(self._read_waiting)
        future: asyncio.Future[UserState] = loop.create_future()
        self._waiting.setdefault(user_id, []).append(future)
        return await future

    def _read_waiting(self) -> None:
        batch, self._waiting = self._waiting, {}
        task = asyncio.ensure_future(self._read(batch))
        self._reads.add(task)
        task.add_done_callback(self._reads.discard)

    async def _read(self, batch: dict[uuid.UUID, list[asyncio.Future[UserState]]]) -> None:
        try:
            found = await self._query(list(batch))
        except BaseException as exc:  # every waiting request gets the error (cancellation included)
            for futures in batch.values():
                for future in futures:
                    if not future.done():
                        future.set_exception(exc)
            return
        for user_id, futures in batch.items():
            for future in futures:
                if not future.done():
                    future.set_result(found.get(user_id))

    async def _query(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, UserState]:
        for attempt in (1, 2):  # a connection the server dropped is discarded by the pool; the next one works
            try:
                async with self._pool.connection(timeout=5) as conn:
                    cursor = await conn.execute(_QUERY, (ids,), prepare=True)
                    return {row[0]: (bool(row[1]), row[2]) for row in await cursor.fetchall()}
            except (psycopg.OperationalError, PoolTimeout) as exc:
                if attempt == 2:
                    raise DependencyUnavailable("the database is unavailable", details={"reason": "database"}) from exc
        return {}
