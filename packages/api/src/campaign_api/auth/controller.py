"""`/auth/*` (SPEC §8.1): register, login, refresh, logout, logout-all, me, API keys.

Every handler commits explicitly at the end of its unit of work; an error before that writes nothing.
The one exception is refresh-token reuse, whose family revocation is committed before the 401.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, delete, get, post
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from campaign_api.auth.api_keys import (
    MAX_EXPIRES_IN_DAYS,
    api_key_json,
    create_api_key,
    list_api_keys,
    revoke_api_key,
)
from campaign_api.auth.guards import (
    authenticated,
    client_ip,
    require_signed_in_user,
    resources_of,
)
from campaign_api.auth.http_errors import controller_exception_handlers
from campaign_api.auth.passwords import (
    PASSWORD_MAX_LENGTH,
    hash_password,
    needs_rehash,
    verify_password,
)
from campaign_api.auth.sessions import session_scope
from campaign_api.auth.tokens import (
    MAX_TOKEN_LENGTH,
    RefreshTokenReused,
    issue_tokens,
    prune_expired_refresh_tokens,
    revoke_all_sessions,
    revoke_refresh_family,
    rotate_refresh_token,
    user_json,
)
from campaign_api.auth.validation import EMAIL_MAX_LENGTH, MAX_AUTH_BODY_BYTES, Fields, read_json_object
from campaign_api.db.models import User
from campaign_api.errors import Conflict, NotFound, Unauthenticated, ValidationFailed
from campaign_api.ratelimit import LOGIN_PER_IP, REFRESH_PER_IP, REGISTER_PER_IP, RateLimiter

AnyRequest = Request[Any, Any, Any]


def _bad_credentials() -> Unauthenticated:
    # one message for unknown email, wrong password and disabled account: no user enumeration
    return Unauthenticated("invalid email or password", details={"reason": "invalid_credentials"})


def _user_agent(request: AnyRequest) -> str | None:
    return request.headers.get("user-agent") or None


async def _find_user(session: AsyncSession, email: str) -> User | None:
    """Emails are case-insensitive (unique index on lower(email))."""
    rows = await session.execute(select(User).where(func.lower(User.email) == email.lower()))
    return rows.scalar_one_or_none()


class AuthController(Controller):
    path = "/auth"
    include_in_schema = False
    exception_handlers = controller_exception_handlers

    @post("/register", status_code=201)
    async def register(self, request: AnyRequest) -> dict[str, Any]:
        """Create an account and sign it in. 409 when the email (any casing) is taken."""
        resources = resources_of(request)
        ip = client_ip(request)
        await RateLimiter.from_resources(resources).enforce(REGISTER_PER_IP, ip)
        fields = Fields(await read_json_object(request))
        email = fields.email()
        password = fields.new_password()
        name = fields.string("name", max_length=200)
        fields.check()
        password_hash = await hash_password(password)  # before opening a session: hashing is slow
        async with session_scope(resources) as session:
            if await _find_user(session, email) is not None:
                raise Conflict("an account with this email already exists", details={"field": "email"})
            user = User(email=email, name=name, password_hash=password_hash, is_active=True)
            session.add(user)
            try:
                await session.flush()
            except IntegrityError:  # a concurrent registration won the race
                raise Conflict("an account with this email already exists", details={"field": "email"}) from None
            issued, _ = await issue_tokens(
                session, resources.settings.auth, user, user_agent=_user_agent(request), ip=ip
            )
            await session.commit()
        return issued.as_json(user)

    @post("/login", status_code=200)
    async def login(self, request: AnyRequest) -> dict[str, Any]:
        """Email + password → tokens. Unknown email and wrong password get the same 401 in the same time."""
        resources = resources_of(request)
        ip = client_ip(request)
        await RateLimiter.from_resources(resources).enforce(LOGIN_PER_IP, ip)
        fields = Fields(await read_json_object(request))
        email = fields.string("email", max_length=EMAIL_MAX_LENGTH)
        password = fields.string("password", max_length=MAX_AUTH_BODY_BYTES, strip=False)
        fields.check()
        async with session_scope(resources) as session:
            found = await _find_user(session, email)
        if len(password) > PASSWORD_MAX_LENGTH:
            raise _bad_credentials()  # no account can have it
        ok = await verify_password(found.password_hash if found else None, password)
        if found is None or not ok or not found.is_active:
            raise _bad_credentials()
        new_hash = await hash_password(password) if needs_rehash(found.password_hash) else None
        async with session_scope(resources) as session:
            user = await session.get(User, found.id)
            if user is None or not user.is_active:
                raise _bad_credentials()
            if new_hash is not None:
                user.password_hash = new_hash
            await prune_expired_refresh_tokens(session, user.id)
            issued, _ = await issue_tokens(
                session, resources.settings.auth, user, user_agent=_user_agent(request), ip=ip
            )
            await session.commit()
        return issued.as_json(user)

    @post("/refresh", status_code=200)
    async def refresh(self, request: AnyRequest) -> dict[str, Any]:
        """Rotate a refresh token. A token that was already rotated revokes its whole family."""
        resources = resources_of(request)
        ip = client_ip(request)
        await RateLimiter.from_resources(resources).enforce(REFRESH_PER_IP, ip)
        fields = Fields(await read_json_object(request))
        token = fields.string("refresh_token", max_length=MAX_TOKEN_LENGTH)
        fields.check()
        async with session_scope(resources) as session:
            try:
                user, issued = await rotate_refresh_token(
                    session, resources.settings.auth, token, user_agent=_user_agent(request), ip=ip
                )
            except RefreshTokenReused:
                await session.commit()  # keep the family revocation
                raise
            await session.commit()
        return issued.as_json(user)

    @post("/logout", status_code=204)
    async def logout(self, request: AnyRequest) -> None:
        """Revoke the refresh token's family. 204 whether or not the token was known."""
        fields = Fields(await read_json_object(request))
        token = fields.string("refresh_token", max_length=MAX_TOKEN_LENGTH)
        fields.check()
        async with session_scope(resources_of(request)) as session:
            await revoke_refresh_family(session, token)
            await session.commit()

    @post("/logout-all", status_code=204)
    async def logout_all(self, request: AnyRequest) -> None:
        """Revoke every refresh token of the caller and every access token issued so far."""
        async with session_scope(resources_of(request)) as session:
            user_id = require_signed_in_user(await authenticated(request, session=session))
            await revoke_all_sessions(session, user_id)
            await session.commit()

    @get("/me")
    async def me(self, request: AnyRequest) -> dict[str, Any]:
        """The user behind the credential, plus `principal` (kind, scopes, campaign restriction)."""
        async with session_scope(resources_of(request)) as session:
            principal = await authenticated(request, session=session)
            if principal.user_id is None:  # the scheduler acts for nobody
                return {"id": None, "email": None, "name": principal.service, "principal": principal.as_json()}
            user = await session.get(User, principal.user_id)
        if user is None:
            raise Unauthenticated("the account no longer exists", details={"reason": "no_user"})
        return {**user_json(user), "principal": principal.as_json()}

    @get("/check")
    async def check(self, request: AnyRequest) -> dict[str, Any]:
        """Whether the credential itself allows `?scope=` and `?campaign_id=` (403 if not).

        Only the credential's limits (scopes, campaign restriction) are checked here, not campaign roles."""
        scope = request.query_params.get("scope")
        raw_campaign = request.query_params.get("campaign_id")
        campaign_id: uuid.UUID | None = None
        if raw_campaign is not None:
            try:
                campaign_id = uuid.UUID(raw_campaign)
            except ValueError:
                raise ValidationFailed(
                    "campaign_id must be a UUID",
                    details={"field": "campaign_id", "fields": {"campaign_id": "must be a UUID"}},
                ) from None
        async with session_scope(resources_of(request)) as session:
            principal = await authenticated(request, session=session)
        if scope:
            principal.require_scope(scope)
        if raw_campaign is not None:
            principal.require_campaign(campaign_id)
        return {"allowed": True, "principal": principal.as_json()}

    @post("/api-keys", status_code=201)
    async def create_key(self, request: AnyRequest) -> dict[str, Any]:
        """A new API key; the full `key` is in this answer only."""
        resources = resources_of(request)
        async with session_scope(resources) as session:
            user_id = require_signed_in_user(await authenticated(request, session=session))
            fields = Fields(await read_json_object(request))
            name = fields.string("name", max_length=100)
            scopes = fields.string_list("scopes")
            campaign_id = fields.optional_uuid("campaign_id")
            expires_in_days = fields.optional_int("expires_in_days", minimum=1, maximum=MAX_EXPIRES_IN_DAYS)
            fields.check()
            key, full_key = await create_api_key(
                session,
                user_id=user_id,
                name=name,
                scopes=scopes,
                campaign_id=campaign_id,
                expires_in_days=expires_in_days,
            )
            await session.commit()
        return {**api_key_json(key), "key": full_key}

    @get("/api-keys")
    async def list_keys(self, request: AnyRequest) -> list[dict[str, Any]]:
        """The caller's keys, newest first, revoked ones included; never a secret."""
        async with session_scope(resources_of(request)) as session:
            user_id = require_signed_in_user(await authenticated(request, session=session))
            keys = await list_api_keys(session, user_id)
        return [api_key_json(key) for key in keys]

    @delete("/api-keys/{key_id:str}", status_code=204)
    async def delete_key(self, request: AnyRequest, key_id: str) -> None:
        """Revoke one of the caller's keys (it stays listed with `revoked_at`)."""
        async with session_scope(resources_of(request)) as session:
            user_id = require_signed_in_user(await authenticated(request, session=session))
            try:
                parsed = uuid.UUID(key_id)
            except ValueError:
                raise NotFound("API key not found", details={"field": "id"}) from None
            await revoke_api_key(session, user_id, parsed)
            await session.commit()
