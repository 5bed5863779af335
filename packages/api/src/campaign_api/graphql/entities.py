"""GraphQL object and input types for every versioned entity, derived from the table definitions.

One mapping (`FIELDS`) says how a stored field is named and typed in GraphQL; output types, create
inputs and update inputs are generated from it, so the schema cannot drift from the tables. Names
fixed by the API contract (SPEC §8.1) are overrides here (e.g. Structure `type`, Location `geometry`).
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, Optional

import strawberry
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import BigInteger, Boolean, DateTime, Integer, String, Text, Uuid
from sqlalchemy.dialects.postgresql import JSONB

from campaign_api.domain.registry import SPECS, EntitySpec
from campaign_api.domain.store import EntityState
from campaign_api.graphql.scalars import JSON, GeoJSON, WorldTime, WorldTimeValue
from campaign_shared.calendar import Calendar
from campaign_shared.messages import EntityType

EntityTypeEnum = strawberry.enum(EntityType, name="EntityType")


@strawberry.enum
class LocationKind(Enum):
    POINT = "POINT"
    REGION = "REGION"


@strawberry.enum
class EventType(Enum):
    STORY = "STORY"
    KINGDOM = "KINGDOM"
    PARTY = "PARTY"
    WORLD = "WORLD"


@strawberry.enum
class EventStatus(Enum):
    PLANNED = "PLANNED"
    ACTIVE = "ACTIVE"
    COMPLETED = "COMPLETED"
    EXPIRED = "EXPIRED"
    CANCELLED = "CANCELLED"


@strawberry.enum
class EncounterStatus(Enum):
    PENDING = "PENDING"
    RESOLVED = "RESOLVED"
    EXPIRED = "EXPIRED"


@strawberry.enum
class LinkKind(Enum):
    PREREQUISITE = "PREREQUISITE"
    BLOCKS = "BLOCKS"
    TRIGGERS = "TRIGGERS"
    RELATED = "RELATED"


@strawberry.enum
class EffectTiming(Enum):
    PRE = "PRE"
    ON_RESOLVE = "ON_RESOLVE"
    POST = "POST"
    ON_EXPIRE = "ON_EXPIRE"


@strawberry.enum
class VariableType(Enum):
    STRING = "STRING"
    INTEGER = "INTEGER"
    FLOAT = "FLOAT"
    BOOLEAN = "BOOLEAN"
    JSON = "JSON"
    DERIVED = "DERIVED"


ENUMS: dict[tuple[EntityType, str], type[Enum]] = {
    (EntityType.LOCATION, "kind"): LocationKind,
    (EntityType.EVENT, "event_type"): EventType,
    (EntityType.EVENT, "status"): EventStatus,
    (EntityType.ENCOUNTER, "status"): EncounterStatus,
    (EntityType.LINK, "kind"): LinkKind,
    (EntityType.EFFECT, "timing"): EffectTiming,
    (EntityType.STATE_VARIABLE, "var_type"): VariableType,
}
for _field in ("source_type", "target_type", "owner_type", "scope"):
    for _etype in EntityType:
        ENUMS.setdefault((_etype, _field), EntityType)
ENUMS[(EntityType.STATE_VARIABLE, "scope")] = EntityType
#: GraphQL names fixed by the API contract where they differ from the camel-cased column name
RENAMES: dict[tuple[EntityType, str], str] = {
    (EntityType.STRUCTURE, "structure_type"): "type",
    (EntityType.LOCATION, "geom"): "geometry",
    (EntityType.CHARACTER, "character_class"): "class",
    (EntityType.CONDITION, "owner_type"): "entityType",
    (EntityType.CONDITION, "owner_id"): "entityId",
    (EntityType.STATE_VARIABLE, "var_type"): "type",
    (EntityType.STATE_VARIABLE, "key"): "name",
}
WORLD_TIME_FIELDS = frozenset({"scheduled_at", "expires_at", "occurred_at", "resolved_at"})
GM_ONLY_FIELDS = frozenset({"gm_notes"})
#: entity types players and viewers never see (the player view)
GM_ONLY_TYPES = frozenset({EntityType.CONDITION, EntityType.EFFECT, EntityType.SECRET})
TYPE_NAMES = {
    EntityType.STATE_VARIABLE: "StateVariable",
}


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def type_name(entity_type: EntityType) -> str:
    return TYPE_NAMES.get(entity_type, entity_type.value.title())


@dataclass(frozen=True)
class FieldMap:
    column: str  # stored field name
    graphql: str  # GraphQL field/argument name
    python: Any  # the Python annotation for Strawberry
    kind: str  # how to convert: plain, id, enum, worldtime, json, geojson, datetime


def _field_map(spec: EntitySpec, column: str) -> FieldMap:
    etype = EntityType(spec.type)
    graphql = RENAMES.get((etype, column), camel(column))
    sql_type = spec.model.__table__.c[column].type
    if (etype, column) in ENUMS:
        return FieldMap(column, graphql, ENUMS[(etype, column)], "enum")
    if column in WORLD_TIME_FIELDS:
        return FieldMap(column, graphql, WorldTime, "worldtime")
    if column == "geom":
        return FieldMap(column, graphql, GeoJSON, "geojson")
    if isinstance(sql_type, Uuid):
        return FieldMap(column, graphql, strawberry.ID, "id")
    if isinstance(sql_type, JSONB):
        return FieldMap(column, graphql, JSON, "json")
    if isinstance(sql_type, Boolean):
        return FieldMap(column, graphql, bool, "plain")
    if isinstance(sql_type, Integer | BigInteger):
        return FieldMap(column, graphql, int, "plain")
    if isinstance(sql_type, DateTime | DateTimeUTC):
        return FieldMap(column, graphql, datetime, "datetime")
    if isinstance(sql_type, String | Text):
        return FieldMap(column, graphql, str, "plain")
    raise TypeError(f"no GraphQL mapping for {spec.type}.{column} ({sql_type})")


FIELDS: dict[EntityType, list[FieldMap]] = {
    etype: [_field_map(spec, c) for c in spec.model.content_fields] for etype, spec in SPECS.items()
}


def to_graphql(fm: FieldMap, value: Any, calendar: Calendar) -> Any:
    if value is None:
        return None
    if fm.kind == "enum":
        return fm.python(value)
    if fm.kind == "worldtime":
        return WorldTimeValue(int(value), calendar)
    if fm.kind == "datetime":
        return datetime.fromisoformat(value) if isinstance(value, str) else value
    return value


def from_graphql(fm: FieldMap, value: Any) -> Any:
    """Input value → stored value (world times are converted by the caller, who knows the calendar)."""
    if value is None:
        return None
    if fm.kind == "enum":
        return value.value if isinstance(value, Enum) else value
    if fm.kind == "id":
        return str(value)
    return value


# -- output types ---------------------------------------------------------------------------------


def _object_type(etype: EntityType) -> builtins.type:
    annotations: dict[str, Any] = {
        "id": strawberry.ID,
        "campaign_id": strawberry.ID,
        "branch_id": strawberry.ID,
        "version": int,
        "version_id": strawberry.ID,
        "valid_from": WorldTime,
        "valid_to": Optional[WorldTime],  # noqa: UP045 - evaluated by Strawberry at runtime
        "deleted": bool,
        "recorded_at": datetime,
        "recorded_by": Optional[strawberry.ID],  # noqa: UP045
    }
    namespace: dict[str, Any] = {"__annotations__": annotations}
    for fm in FIELDS[etype]:
        annotations[fm.column] = Optional[fm.python]  # noqa: UP045
        namespace[fm.column] = strawberry.field(name=fm.graphql)
    namespace["__doc__"] = f"A {etype.value.lower().replace('_', ' ')}, as of a branch and world time."
    cls = builtins.type(type_name(etype), (), namespace)
    return strawberry.type(cls)


OBJECT_TYPES: dict[EntityType, builtins.type] = {etype: _object_type(etype) for etype in SPECS}


def to_object(state: EntityState, calendar: Calendar, *, gm_view: bool) -> Any:
    """The GraphQL object of a state; players never receive GM-only fields."""
    cls = OBJECT_TYPES[state.entity_type]
    values: dict[str, Any] = {
        "id": strawberry.ID(str(state.entity_id)),
        "campaign_id": strawberry.ID(str(state.campaign_id)),
        "branch_id": strawberry.ID(str(state.branch_id)),
        "version": state.version,
        "version_id": strawberry.ID(str(state.version_id)),
        "valid_from": WorldTimeValue(state.valid_from, calendar),
        "valid_to": WorldTimeValue(state.valid_to, calendar) if state.valid_to is not None else None,
        "deleted": state.deleted,
        "recorded_at": state.recorded_at,
        "recorded_by": strawberry.ID(str(state.recorded_by)) if state.recorded_by else None,
    }
    for fm in FIELDS[state.entity_type]:
        hidden = fm.column in GM_ONLY_FIELDS and not gm_view
        values[fm.column] = None if hidden else to_graphql(fm, state.content.get(fm.column), calendar)
    return cls(**values)


# -- input types ----------------------------------------------------------------------------------


def _input_type(etype: EntityType, *, update: bool) -> builtins.type:
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {"__annotations__": annotations}
    if update:
        annotations["expected_version"] = Optional[int]  # noqa: UP045
        namespace["expected_version"] = strawberry.field(
            default=None, description="the version you read; a mismatch is a CONFLICT (recommended)"
        )
    else:
        annotations["campaign_id"] = Optional[strawberry.ID]  # noqa: UP045
        annotations["branch_id"] = Optional[strawberry.ID]  # noqa: UP045
        annotations["at"] = Optional[WorldTime]  # noqa: UP045
        namespace["campaign_id"] = strawberry.field(default=None)
        namespace["branch_id"] = strawberry.field(default=None, description="default: the campaign's main branch")
        namespace["at"] = strawberry.field(default=None, description="default: the branch's current world time")
    for fm in FIELDS[etype]:
        if fm.column == "archived_at":
            continue
        annotations[fm.column] = Optional[fm.python]  # noqa: UP045
        namespace[fm.column] = strawberry.field(name=fm.graphql, default=strawberry.UNSET)
    prefix = "Update" if update else "Create"
    cls = builtins.type(f"{prefix}{type_name(etype)}Input", (), namespace)
    return strawberry.input(cls)


CREATE_INPUTS = {etype: _input_type(etype, update=False) for etype in SPECS}
UPDATE_INPUTS = {etype: _input_type(etype, update=True) for etype in SPECS}


def _filter_type(etype: EntityType) -> builtins.type | None:
    """`<Type>Filter`: one optional ID per reference of the type (kingdomId, sourceId, entityId, ...);
    a list keeps the entities whose reference equals every ID given."""
    refs = [fm for fm in FIELDS[etype] if fm.kind == "id"]
    if not refs:
        return None
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {"__annotations__": annotations}
    for fm in refs:
        annotations[fm.column] = Optional[strawberry.ID]  # noqa: UP045
        namespace[fm.column] = strawberry.field(name=fm.graphql, default=None)
    return strawberry.input(builtins.type(f"{type_name(etype)}Filter", (), namespace))


#: the filter input of each type that references other entities
FILTERS = {etype: f for etype in SPECS if (f := _filter_type(etype)) is not None}


def input_fields(etype: EntityType, data: Any, calendar: Calendar) -> dict[str, Any]:
    """Stored-field dict from an input object: only what the client set (UNSET is left out)."""
    from campaign_api.graphql.scalars import to_seconds

    fields: dict[str, Any] = {}
    for fm in FIELDS[etype]:
        value = getattr(data, fm.column, strawberry.UNSET)
        if value is strawberry.UNSET or fm.column == "archived_at":
            continue
        fields[fm.column] = to_seconds(value, calendar) if fm.kind == "worldtime" else from_graphql(fm, value)
    return fields
