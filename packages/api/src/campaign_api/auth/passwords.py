"""Password hashing with argon2id, and the password policy.

Hashing costs ~64 MiB and tens of milliseconds by design, so it runs in worker threads behind a small
limiter: a burst of logins must neither block the event loop nor allocate gigabytes at once.
"""

from __future__ import annotations

from functools import lru_cache

import anyio
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from campaign_api.errors import ValidationFailed

PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 256  # argon2 hashes the whole input (no bcrypt-style 72-byte truncation)

# argon2-cffi's defaults are RFC 9106's low-memory profile of argon2id (t=3, m=64 MiB, p=4).
_hasher = PasswordHasher()
_limiter = anyio.CapacityLimiter(2)


def check_password_policy(password: str) -> None:
    """Raise VALIDATION_FAILED unless the password has 8 to 256 characters."""
    if not PASSWORD_MIN_LENGTH <= len(password) <= PASSWORD_MAX_LENGTH:
        raise ValidationFailed(
            f"password must be {PASSWORD_MIN_LENGTH} to {PASSWORD_MAX_LENGTH} characters long",
            details={
                "field": "password",
                "fields": {"password": f"must be {PASSWORD_MIN_LENGTH} to {PASSWORD_MAX_LENGTH} characters long"},
            },
        )


def hash_password_sync(password: str) -> str:
    return _hasher.hash(password)


def verify_password_sync(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the stored hash used other parameters than the current hasher (upgrade on login)."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash("not-a-real-password-only-for-timing")


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(hash_password_sync, password, limiter=_limiter)


async def verify_password(password_hash: str | None, password: str) -> bool:
    """Verify in a thread; for an unknown account (`None`) verify against a dummy hash so the answer
    takes as long as for a real one and does not reveal which emails exist."""
    if password_hash is None:
        await anyio.to_thread.run_sync(_verify_unknown, password, limiter=_limiter)
        return False
    return await anyio.to_thread.run_sync(verify_password_sync, password_hash, password, limiter=_limiter)


def _verify_unknown(password: str) -> None:
    verify_password_sync(_dummy_hash(), password)
