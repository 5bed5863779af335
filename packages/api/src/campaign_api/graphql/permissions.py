"""The role matrix of SPEC §2, in one table checked by every root operation.

Every root field of the schema has a `Rule`; a test walks the schema and fails when one is missing, so
a new operation cannot ship without a decision about who may call it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from campaign_api.db.models import Membership
from campaign_api.errors import Forbidden, Unauthenticated


class Role(IntEnum):
    VIEWER = 1
    PLAYER = 2
    GM = 3
    OWNER = 4


class Action(StrEnum):
    PUBLIC = "public"  # anyone, even anonymous
    SIGNED_IN = "signed_in"  # any authenticated principal, no campaign involved
    READ = "read"  # VIEWER and up (players see the player view)
    PLAY = "play"  # PLAYER and up (e.g. a player's own character)
    WRITE = "write"  # GM and up
    ADMIN = "admin"  # OWNER only


MIN_ROLE = {
    Action.READ: Role.VIEWER,
    Action.PLAY: Role.PLAYER,
    Action.WRITE: Role.GM,
    Action.ADMIN: Role.OWNER,
}
#: API key scopes needed per action (a key never exceeds its user's role)
SCOPE_FOR = {Action.READ: "read", Action.PLAY: "write", Action.WRITE: "write", Action.ADMIN: "admin"}


class PrincipalLike(Protocol):
    kind: str  # "user" | "api_key" | "service"
    user_id: uuid.UUID | None
    scopes: frozenset[str]
    campaign_id: uuid.UUID | None  # API key restriction


@dataclass(frozen=True)
class Rule:
    action: Action
    service: bool = False  # the scheduler's service credential may call it


@dataclass(frozen=True)
class Access:
    """What the caller may see in one campaign."""

    role: Role | None  # None for the service principal
    service: bool = False

    @property
    def gm_view(self) -> bool:
        return self.service or (self.role is not None and self.role >= Role.GM)


def _has_scope(principal: PrincipalLike, action: Action) -> bool:
    if principal.kind != "api_key":
        return True
    scopes = principal.scopes
    needed = SCOPE_FOR.get(action)
    if needed is None:
        return True
    return needed in scopes or "admin" in scopes or (needed == "read" and "write" in scopes)


async def role_in(session: AsyncSession, user_id: uuid.UUID, campaign_id: uuid.UUID) -> Role | None:
    role = await session.scalar(
        select(Membership.role).where(Membership.campaign_id == campaign_id, Membership.user_id == user_id)
    )
    return Role[role] if role else None


async def authorize(
    session: AsyncSession, principal: PrincipalLike | None, rule: Rule, campaign_id: uuid.UUID | None
) -> Access:
    """Raise unless `principal` may perform `rule` in `campaign_id`; return its access level."""
    if rule.action is Action.PUBLIC:
        return Access(role=None)
    if principal is None:
        raise Unauthenticated("sign in first")
    if principal.kind == "service":
        if not rule.service:
            raise Forbidden("the service credential may not do this")
        return Access(role=None, service=True)
    if not _has_scope(principal, rule.action):
        raise Forbidden(f"the API key lacks the {SCOPE_FOR[rule.action]!r} scope")
    if rule.action is Action.SIGNED_IN:
        return Access(role=None)
    if campaign_id is None:
        raise Forbidden("no campaign")
    if principal.campaign_id is not None and principal.campaign_id != campaign_id:
        raise Forbidden("the API key is restricted to another campaign")
    assert principal.user_id is not None
    role = await role_in(session, principal.user_id, campaign_id)
    if role is None:
        # not a member: indistinguishable from a campaign that does not exist
        from campaign_api.errors import NotFound

        raise NotFound("campaign not found", details={"campaignId": str(campaign_id)})
    if role < MIN_ROLE[rule.action]:
        raise Forbidden(f"your role ({role.name}) may not do this")
    return Access(role=role)
