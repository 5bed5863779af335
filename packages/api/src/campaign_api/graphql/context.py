"""Per-request GraphQL context, built the same way for HTTP and WebSocket requests.

The caller's principal is resolved from the request headers (HTTP) or from the `connection_init`
payload (WebSocket, see `controller.py`). An invalid credential is remembered and raised by the first
operation that needs authentication, so it surfaces as a GraphQL error with code UNAUTHENTICATED.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any

from litestar.datastructures import State
from sqlalchemy import select
from strawberry.litestar import BaseContext

from campaign_api import read_dependencies
from campaign_api.db.models import Branch, Campaign, EntityRecord, World
from campaign_api.domain.service import DomainService
from campaign_api.errors import AppError, NotFound, Unauthenticated
from campaign_api.events import publish
from campaign_api.graphql.fast_path import LOOKED_UP, PRINCIPAL
from campaign_api.graphql.permissions import Access, PrincipalLike, Rule, authorize
from campaign_api.resources import Resources
from campaign_shared.calendar import Calendar
from campaign_shared.messages import Channels


async def principal_from(headers: Mapping[str, str], resources: Resources) -> tuple[Any, AppError | None]:
    """(principal or None, error) from `Authorization` / `X-API-Key` headers."""
    from campaign_api.auth.principal import resolve_principal

    try:
        return await resolve_principal(headers, resources), None
    except AppError as exc:
        return None, exc


class GraphQLContext(BaseContext, kw_only=True):
    resources: Resources
    principal: Any = None
    auth_error: AppError | None = None
    connection_params: dict[str, Any] | None = None
    client_ip: str = "unknown"
    calendars: dict[uuid.UUID, asyncio.Future[Calendar]] = {}  # a fresh dict per request (context_getter)
    touched: set[uuid.UUID] = set()  # campaigns authorized in this request (a fresh set per request)
    response_looked_up: bool = False  # the HTTP fast path already missed the response cache
    #: per-request memo of authorizations and id lookups; None for WebSocket contexts, which live as long
    #: as the connection (a role change must reach the next subscription event)
    memo: dict[Any, asyncio.Future[Any]] | None = None

    @property
    def actor_id(self) -> uuid.UUID | None:
        principal: PrincipalLike | None = self.principal
        return principal.user_id if principal is not None else None

    async def authorize(self, rule: Rule, campaign_id: uuid.UUID | None) -> Access:
        if self.auth_error is not None:
            raise self.auth_error
        if campaign_id is not None:
            self.touched.add(campaign_id)
        deps = read_dependencies.current()
        if deps is not None:
            await deps.track(campaign_id)  # before any of the campaign's data (or the caller's role) is read
        return await self._once(("authorize", rule, campaign_id), lambda: self._authorize(rule, campaign_id))

    async def _authorize(self, rule: Rule, campaign_id: uuid.UUID | None) -> Access:
        async with self.resources.sessions() as session:
            return await authorize(session, self.principal, rule, campaign_id)

    async def _once[T](self, key: Any, make: Callable[[], Awaitable[T]]) -> T:
        """`make()` once per HTTP request for equal keys, shared by concurrent sibling resolvers."""
        if self.memo is None:
            return await make()
        if key not in self.memo:
            self.memo[key] = asyncio.ensure_future(make())
        result: T = await asyncio.shield(self.memo[key])
        return result

    @asynccontextmanager
    async def read(self) -> AsyncIterator[DomainService]:
        """A read-only unit: its own session (sibling resolvers run concurrently)."""
        async with self.resources.sessions() as session:
            yield DomainService(session, self.actor_id)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[DomainService]:
        """One transaction; commits only if the block finishes, then publishes what it changed."""
        async with self.resources.sessions() as session:
            async with session.begin():
                service = DomainService(session, self.actor_id)
                yield service
            # every campaign this request was authorized for, not only those with events: a membership
            # or role change must also make cached answers unreachable
            for campaign_id in {str(event.campaign_id) for event in service.outbox} | {str(c) for c in self.touched}:
                await self.resources.cache.invalidate_campaign(campaign_id)
            await publish(self.resources.redis, self.channels, service.outbox)

    @property
    def channels(self) -> Channels:
        return Channels(self.resources.settings.redis.channel_prefix)

    async def calendar(self, campaign_id: uuid.UUID) -> Calendar:
        """The campaign's world calendar, loaded once per request even by concurrent sibling resolvers."""
        if campaign_id not in self.calendars:
            self.calendars[campaign_id] = asyncio.ensure_future(self._load_calendar(campaign_id))
        return await asyncio.shield(self.calendars[campaign_id])

    async def _load_calendar(self, campaign_id: uuid.UUID) -> Calendar:
        async with self.resources.sessions() as session:
            raw = await session.scalar(
                select(World.calendar).join(Campaign, Campaign.world_id == World.id).where(Campaign.id == campaign_id)
            )
        if raw is None:
            raise NotFound("campaign not found", details={"campaignId": str(campaign_id)})
        return Calendar.model_validate(raw)

    async def campaign_of(self, *, branch_id: Any = None, entity_id: Any = None, campaign_id: Any = None) -> uuid.UUID:
        """The campaign an operation touches, from whichever id it was given.

        Authentication comes first: an anonymous caller learns nothing about which ids exist.
        """
        if self.auth_error is not None:
            raise self.auth_error
        if self.principal is None:
            raise Unauthenticated("sign in first")
        key = ("campaign_of", str(branch_id), str(entity_id), str(campaign_id))
        return await self._once(key, lambda: self._campaign_of(branch_id, entity_id, campaign_id))

    async def _campaign_of(self, branch_id: Any, entity_id: Any, campaign_id: Any) -> uuid.UUID:
        async with self.resources.sessions() as session:
            if campaign_id is not None:
                found = await session.scalar(select(Campaign.id).where(Campaign.id == _uuid(campaign_id, "campaignId")))
            elif branch_id is not None:
                found = await session.scalar(
                    select(Branch.campaign_id).where(Branch.id == _uuid(branch_id, "branchId"))
                )
            elif entity_id is not None:
                found = await session.scalar(
                    select(EntityRecord.campaign_id).where(EntityRecord.id == _uuid(entity_id, "id"))
                )
            else:
                found = None
        if found is None:
            raise NotFound("not found", details={"campaignId": str(campaign_id or branch_id or entity_id)})
        return found


def _uuid(value: Any, field: str) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise NotFound(f"{field} is not a known id", details={"field": field}) from None


async def context_getter(state: State, headers: Any, scope: Any) -> GraphQLContext:
    """`state`, `headers` and `scope` are injectable for both HTTP and WebSocket handlers."""
    resources: Resources = state.resources
    handed_on = scope.get("state") or {}  # see graphql/fast_path.py
    if handed_on.get(PRINCIPAL) is not None:
        principal, error = handed_on[PRINCIPAL], None
    else:
        principal, error = await principal_from(headers, resources)
    client = scope.get("client") or ("unknown", 0)
    return GraphQLContext(
        resources=resources,
        principal=principal,
        auth_error=error,
        calendars={},
        touched=set(),
        response_looked_up=bool(handed_on.get(LOOKED_UP)),
        memo={} if scope.get("type") == "http" else None,
        client_ip=str(client[0]),
    )
