"""Request bodies of `/auth/*`: parsed by hand so every problem is a clear VALIDATION_FAILED with
per-field details (`details.fields`), and unreadable JSON is a 400, never a 500."""

from __future__ import annotations

import re
import uuid
from typing import Any

import msgspec
from litestar import Request

from campaign_api.auth.passwords import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH
from campaign_api.errors import ValidationFailed

MAX_AUTH_BODY_BYTES = 16 * 1024
EMAIL_MAX_LENGTH = 320
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class MalformedBody(ValidationFailed):
    """The body is not a JSON object at all (as opposed to a field being wrong): 400."""

    http_status = 400


async def read_json_object(request: Request[Any, Any, Any], *, optional: bool = False) -> dict[str, Any]:
    """The request body as a JSON object; an empty body is `{}` when `optional`."""
    body = await request.body()
    if len(body) > MAX_AUTH_BODY_BYTES:
        raise MalformedBody(f"the request body exceeds {MAX_AUTH_BODY_BYTES} bytes")
    if not body.strip():
        if optional:
            return {}
        raise MalformedBody("a JSON object body is required")
    try:
        data = msgspec.json.decode(body)
    except msgspec.DecodeError as exc:
        raise MalformedBody(f"the request body is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise MalformedBody("the request body must be a JSON object")
    return data


class Fields:
    """Collects field errors so one answer lists every problem of the body."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.errors: dict[str, str] = {}

    def _fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def string(self, name: str, *, max_length: int, min_length: int = 1, strip: bool = True) -> str:
        value = self.data.get(name)
        if value is None:
            self._fail(name, "is required")
            return ""
        if not isinstance(value, str):
            self._fail(name, "must be a string")
            return ""
        if strip:
            value = value.strip()
        if not min_length <= len(value) <= max_length:
            self._fail(name, f"must be {min_length} to {max_length} characters long")
        return value

    def email(self, name: str = "email") -> str:
        value = self.string(name, max_length=EMAIL_MAX_LENGTH)
        if value and name not in self.errors and not _EMAIL.match(value):
            self._fail(name, "must be an email address")
        return value

    def new_password(self, name: str = "password") -> str:
        return self.string(name, min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH, strip=False)

    def string_list(self, name: str, *, max_items: int = 20) -> list[str]:
        value = self.data.get(name)
        if value is None:
            self._fail(name, "is required")
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self._fail(name, "must be a list of strings")
            return []
        if len(value) > max_items:
            self._fail(name, f"must have at most {max_items} items")
        return list(value)

    def optional_uuid(self, name: str) -> uuid.UUID | None:
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, str):
            try:
                return uuid.UUID(value)
            except ValueError:
                pass
        self._fail(name, "must be a UUID")
        return None

    def optional_int(self, name: str, *, minimum: int, maximum: int) -> int | None:
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self._fail(name, "must be an integer")
            return None
        if not minimum <= value <= maximum:
            self._fail(name, f"must be between {minimum} and {maximum}")
            return None
        return value

    def check(self) -> None:
        """Raise one VALIDATION_FAILED (422) naming every invalid field."""
        if self.errors:
            summary = "; ".join(f"{name} {message}" for name, message in self.errors.items())
            raise ValidationFailed(
                f"invalid request: {summary}",
                details={"field": next(iter(self.errors)), "fields": dict(self.errors)},
            )
