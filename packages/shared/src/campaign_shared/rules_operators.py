"""The domain operators of SPEC §5, as pure synchronous functions over prefetched facts.

One definition, used by the rules engine and by the API's local fallback. Both evaluate through
``campaign_shared.grpc.evaluation``, which compiles with :data:`~campaign_shared.jsonlogic.default_registry`,
so each process calls :func:`install` when it starts (importing this module registers nothing);
:data:`REGISTRY` holds the operators alone for explicit ``compile(rule, operators=REGISTRY)``. Every
operator receives the evaluation's root data and only reads it; the API's context builder fetched the
facts beforehand (see ``campaign_api.rules.context``):

- ``{"entity": [type, id, field]}`` reads ``data["entity"][TYPE][id][field]`` (``field`` may be a
  dotted path such as ``variables.gold``; without ``field`` the whole record).
- ``{"inside": [locationId, regionId]}`` reads ``data["facts"]["inside"][locationId][regionId]``.
- ``{"distance": [a, b]}`` reads ``data["facts"]["distance"][a][b]`` (map units; either order).
- ``{"resolved": id}`` reads ``data["facts"]["resolved"][id]`` (an event COMPLETED or an encounter RESOLVED).
- ``{"daysSince": t}``, ``hoursSince``, ``monthsSince``: whole units from ``t`` to ``world.time`` in the
  calendar ``world.calendar`` (a calendar object or a preset name; Gregorian when absent). ``t`` is
  world time in seconds or a calendar date string (``"1200-03-01"``).

A fact the context does not hold (an id only known at evaluation time that the builder could not
foresee) is ``null``, never a guess; a null id or time gives ``null`` too.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any, Final

from campaign_shared.calendar import (
    Calendar,
    CalendarError,
    coerce_world_time,
    days_between,
    hours_between,
    months_between,
    resolve_calendar,
)
from campaign_shared.jsonlogic import InvalidArgumentsError, OperatorError, OperatorRegistry, default_registry

FACTS: Final = "facts"
ENTITY: Final = "entity"
DEFAULT_CALENDAR: Final = "gregorian"


def _section(data: Any, *keys: str) -> Any:
    node = data
    for key in keys:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


def _ident(value: Any, what: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InvalidArgumentsError(f"{what} must be an id (a string)")
    return str(value)


def _arity(name: str, args: tuple[Any, ...], *counts: int) -> None:
    if len(args) not in counts:
        wanted = " or ".join(str(c) for c in counts)
        raise InvalidArgumentsError(f"{name} takes {wanted} arguments, got {len(args)}")


def entity(data: Any, *args: Any) -> Any:
    """``entity(type, id[, field])``: a prefetched field (or record) of any entity, ``null`` if unknown."""
    _arity("entity", args, 2, 3)
    if not isinstance(args[0], str) or not args[0]:
        raise InvalidArgumentsError("entity type must be a string such as 'settlement'")
    ident = _ident(args[1], "entity id")
    if ident is None:
        return None
    record = _section(data, ENTITY, args[0].upper(), ident)
    if len(args) == 2 or record is None:
        return record
    field = args[2]
    if not isinstance(field, str | int) or isinstance(field, bool):
        raise InvalidArgumentsError("entity field must be a string")
    for key in str(field).split("."):
        if not isinstance(record, Mapping):
            return None
        record = record.get(key)
    return record


def inside(data: Any, *args: Any) -> bool | None:
    """``inside(locationId, regionId)``: whether the region covers the location (as of world time)."""
    _arity("inside", args, 2)
    location, region = _ident(args[0], "location id"), _ident(args[1], "region id")
    if location is None or region is None:
        return None
    value = _section(data, FACTS, "inside", location, region)
    return None if value is None else bool(value)


def distance(data: Any, *args: Any) -> float | None:
    """``distance(a, b)``: distance between two locations in map units (the campaign's SRID)."""
    _arity("distance", args, 2)
    first, second = _ident(args[0], "location id"), _ident(args[1], "location id")
    if first is None or second is None:
        return None
    value = _section(data, FACTS, "distance", first, second)
    if value is None:
        value = _section(data, FACTS, "distance", second, first)
    return None if value is None else float(value)


def resolved(data: Any, *args: Any) -> bool | None:
    """``resolved(id)``: the event is COMPLETED or the encounter RESOLVED (as of world time)."""
    _arity("resolved", args, 1)
    ident = _ident(args[0], "event or encounter id")
    if ident is None:
        return None
    value = _section(data, FACTS, "resolved", ident)
    return None if value is None else bool(value)


@lru_cache(maxsize=64)
def _calendar_from_text(text: str) -> Calendar:
    return resolve_calendar(json.loads(text))


def calendar_of(data: Any) -> Calendar:
    """The world calendar of a context (``world.calendar``), parsed once per distinct calendar."""
    raw = _section(data, "world", "calendar")
    if raw is None:
        raw = DEFAULT_CALENDAR
    try:
        return _calendar_from_text(json.dumps(raw, sort_keys=True, separators=(",", ":")))
    except (TypeError, ValueError) as exc:
        raise OperatorError(f"world.calendar is not a calendar: {exc}") from None


def _world_time(data: Any) -> int:
    now = _section(data, "world", "time")
    if isinstance(now, bool) or not isinstance(now, int | float):
        raise OperatorError("world.time is not in the context")
    return int(now)


def _since(name: str, between: Callable[[Calendar, int, int], int]) -> Callable[..., int | None]:
    def operator(data: Any, *args: Any) -> int | None:
        _arity(name, args, 1)
        value = args[0]
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise InvalidArgumentsError(f"{name} takes a world time (seconds) or a calendar date")
        calendar = calendar_of(data)
        try:
            start = coerce_world_time(calendar, value if isinstance(value, str) else int(value))
            return between(calendar, start, _world_time(data))
        except CalendarError as exc:
            raise InvalidArgumentsError(f"{name}: {exc}") from None

    operator.__name__ = name
    operator.__doc__ = f"``{name}(t)``: whole {name[:-5]} from ``t`` to ``world.time`` in the world calendar."
    return operator


days_since = _since("daysSince", days_between)
hours_since = _since("hoursSince", hours_between)
months_since = _since("monthsSince", months_between)

OPERATORS: Final[dict[str, Callable[..., Any]]] = {
    "entity": entity,
    "inside": inside,
    "distance": distance,
    "resolved": resolved,
    "daysSince": days_since,
    "hoursSince": hours_since,
    "monthsSince": months_since,
}
"""Every SPEC §5 domain operator by name; all read the root data (``needs_context``)."""


def register_domain_operators(registry: OperatorRegistry) -> OperatorRegistry:
    """Register (or re-register) every domain operator in ``registry``; idempotent and cheap."""
    for name, fn in OPERATORS.items():
        current = registry.get(name)
        if current is None or current.fn is not fn:
            registry.register(name, fn, needs_context=True, pure=False, replace=True)
    return registry


def install() -> None:
    """Make the domain operators part of every default compilation (engine and API call this at start)."""
    register_domain_operators(default_registry)


REGISTRY: Final[OperatorRegistry] = register_domain_operators(OperatorRegistry())
"""Only the domain operators, for callers that pass a registry explicitly."""
