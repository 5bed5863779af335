"""Custom scalars. WorldTime needs the campaign's calendar, which a scalar cannot see, so input is
kept raw (`WorldTimeInput`) and converted by resolvers, and output values carry their calendar."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NewType

import strawberry
from graphql import IntValueNode, StringValueNode, ValueNode
from strawberry.scalars import JSON

from campaign_shared.calendar import Calendar, coerce_world_time, format_iso

__all__ = ["JSON", "GeoJSON", "WorldTime", "WorldTimeValue", "to_seconds"]


@dataclass(frozen=True, slots=True)
class WorldTimeValue:
    """Seconds since the world epoch, with the calendar that formats them."""

    seconds: int
    calendar: Calendar

    def __str__(self) -> str:
        return format_iso(self.calendar, self.seconds)


@dataclass(frozen=True, slots=True)
class RawWorldTime:
    """A WorldTime argument as the client sent it: calendar text or an integer of seconds."""

    value: int | str


def _serialize_world_time(value: Any) -> str:
    if isinstance(value, WorldTimeValue):
        return str(value)
    raise TypeError("WorldTime values must carry their calendar")


def _parse_world_time(value: Any) -> RawWorldTime:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError('WorldTime is a calendar string "YYYY-MM-DD[ HH:MM[:SS]]" or an integer of seconds')
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return RawWorldTime(int(value))
    return RawWorldTime(value)


def _parse_world_time_literal(node: ValueNode, variables: dict[str, Any] | None = None) -> RawWorldTime:
    if isinstance(node, IntValueNode):
        return RawWorldTime(int(node.value))
    if isinstance(node, StringValueNode):
        return _parse_world_time(node.value)
    raise ValueError("WorldTime must be a string or an integer")


WorldTime = strawberry.scalar(
    NewType("WorldTime", object),
    name="WorldTime",
    description='In-world time. Input: "YYYY-MM-DD[ HH:MM[:SS]]" in the world calendar, or integer seconds '
    'since the epoch. Output: "YYYY-MM-DD HH:MM:SS".',
    serialize=_serialize_world_time,
    parse_value=_parse_world_time,
    parse_literal=_parse_world_time_literal,
)

GeoJSON = strawberry.scalar(
    NewType("GeoJSON", object),
    name="GeoJSON",
    description="A GeoJSON object (RFC 7946, EPSG:4326 longitude/latitude)",
    serialize=lambda v: v,
    parse_value=lambda v: v,
)


def to_seconds(raw: Any, calendar: Calendar) -> int | None:
    """Resolve a WorldTime argument with the campaign's calendar (None stays None)."""
    if raw is None or raw is strawberry.UNSET:
        return None
    value = raw.value if isinstance(raw, RawWorldTime) else raw
    try:
        return coerce_world_time(calendar, value)
    except ValueError as exc:
        from campaign_api.errors import ValidationFailed

        code = getattr(exc, "code", "INVALID_DATE")
        raise ValidationFailed(f"invalid world time {value!r}: {exc}", details={"reason": str(code)}) from None
