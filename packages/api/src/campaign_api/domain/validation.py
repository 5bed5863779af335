"""Checks of entity content before it is written: ranges, references, geometry, rules, variables."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from campaign_api.db.models import Branch
from campaign_api.domain.registry import SPECS, EntitySpec
from campaign_api.domain.spatial import validate_geometry
from campaign_api.domain.variables import validate_variables
from campaign_api.errors import ValidationFailed
from campaign_shared import jsonlogic
from campaign_shared.messages import EntityType

if TYPE_CHECKING:
    from campaign_api.domain.store import VersionStore

RANGES: dict[tuple[EntityType, str], tuple[int, int]] = {
    (EntityType.PARTY, "level_override"): (1, 20),
    (EntityType.CHARACTER, "level"): (1, 20),
    (EntityType.KINGDOM, "level"): (1, 10),
    (EntityType.SETTLEMENT, "level"): (1, 10),
    (EntityType.STRUCTURE, "level"): (1, 5),
    (EntityType.STRUCTURE, "condition"): (0, 100),
    (EntityType.ENCOUNTER, "difficulty"): (0, 100),
}
CHOICES: dict[tuple[EntityType, str], frozenset[str]] = {
    (EntityType.LOCATION, "kind"): frozenset({"POINT", "REGION"}),
    (EntityType.EVENT, "event_type"): frozenset({"STORY", "KINGDOM", "PARTY", "WORLD"}),
    (EntityType.EVENT, "status"): frozenset({"PLANNED", "ACTIVE", "COMPLETED", "EXPIRED", "CANCELLED"}),
    (EntityType.ENCOUNTER, "status"): frozenset({"PENDING", "RESOLVED", "EXPIRED"}),
    (EntityType.LINK, "kind"): frozenset({"PREREQUISITE", "BLOCKS", "TRIGGERS", "RELATED"}),
    (EntityType.EFFECT, "timing"): frozenset({"PRE", "ON_RESOLVE", "POST", "ON_EXPIRE"}),
    (EntityType.STATE_VARIABLE, "var_type"): frozenset({"STRING", "INTEGER", "FLOAT", "BOOLEAN", "JSON", "DERIVED"}),
    (EntityType.STATE_VARIABLE, "scope"): frozenset(
        {
            "WORLD",
            "CAMPAIGN",
            "PARTY",
            "KINGDOM",
            "SETTLEMENT",
            "STRUCTURE",
            "CHARACTER",
            "LOCATION",
            "EVENT",
            "ENCOUNTER",
        }
    ),
}
REQUIRED: dict[EntityType, tuple[str, ...]] = {
    EntityType.PARTY: ("name",),
    EntityType.CHARACTER: ("name",),
    EntityType.KINGDOM: ("name",),
    EntityType.SETTLEMENT: ("name",),
    EntityType.STRUCTURE: ("name", "settlement_id", "structure_type"),
    EntityType.LOCATION: ("name", "kind"),
    EntityType.EVENT: ("name",),
    EntityType.ENCOUNTER: ("name",),
    EntityType.LINK: ("source_type", "source_id", "target_type", "target_id", "kind"),
    EntityType.CONDITION: ("owner_type", "owner_id", "field", "expression"),
    EntityType.EFFECT: ("owner_type", "owner_id", "target_type", "target_id", "operations"),
    EntityType.STATE_VARIABLE: ("scope", "key", "var_type"),
    EntityType.SECRET: ("owner_type", "owner_id", "text"),
}
#: paths an effect may never patch: identity, references and bookkeeping
PROTECTED_FIELDS = frozenset(
    {
        "id",
        "entity_id",
        "campaign_id",
        "branch_id",
        "version",
        "valid_from",
        "valid_to",
        "is_deleted",
        "recorded_at",
        "recorded_by",
        "owner_type",
        "owner_id",
        "source_type",
        "source_id",
        "target_type",
        "target_id",
        "scope",
        "scope_id",
        "kingdom_id",
        "location_id",
        "settlement_id",
        "party_id",
        "parent_id",
        "owner_user_id",
    }
)
_UUID_FIELDS = (
    "party_id",
    "kingdom_id",
    "location_id",
    "settlement_id",
    "parent_id",
    "source_id",
    "target_id",
    "owner_id",
    "scope_id",
    "owner_user_id",
)


def _fail(message: str, field: str, **extra: Any) -> ValidationFailed:
    return ValidationFailed(message, details={"field": field, **extra})


def _check_scalars(entity_type: EntityType, content: dict[str, Any]) -> None:
    for (etype, field), (low, high) in RANGES.items():
        value = content.get(field)
        in_range = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
        if etype == entity_type and value is not None and not in_range:
            raise _fail(f"{field} must be an integer from {low} to {high}", field)
    for (etype, field), allowed in CHOICES.items():
        if etype == entity_type and field in content and content[field] not in allowed:
            raise _fail(f"{field} must be one of {sorted(allowed)}", field)
    if entity_type == EntityType.SETTLEMENT and content.get("population") is not None:
        population = content["population"]
        if not isinstance(population, int) or isinstance(population, bool) or not 0 <= population < 2**31:
            raise _fail("population must be an integer from 0 to 2147483647", "population")
    name = content.get("name")
    if "name" in content and (not isinstance(name, str) or not name.strip() or len(name) > 200):
        raise _fail("name must be 1 to 200 characters", "name")
    for field in _UUID_FIELDS:
        value = content.get(field)
        if value is not None:
            try:
                uuid.UUID(str(value))
            except ValueError:
                raise _fail(f"{field} is not a valid id", field) from None


def _check_rules(entity_type: EntityType, content: dict[str, Any], target: EntitySpec | None) -> None:
    if entity_type == EntityType.CONDITION:
        try:
            jsonlogic.compile(content["expression"])
        except jsonlogic.JsonLogicError as exc:
            raise _fail(f"invalid JSON Logic expression: {exc}", "expression", errorType=str(exc.type)) from None
    if entity_type == EntityType.STATE_VARIABLE:
        if content.get("var_type") == "DERIVED":
            if content.get("formula") is None:
                raise _fail("a derived variable needs a formula", "formula")
            try:
                jsonlogic.compile(content["formula"])
            except jsonlogic.JsonLogicError as exc:
                raise _fail(f"invalid formula: {exc}", "formula") from None
        else:
            content["formula"] = None
            _check_variable_value(content.get("var_type", ""), content.get("value"))
    if entity_type == EntityType.EFFECT:
        validate_operations(content.get("operations"), target)
        delay = content.get("delay_seconds")
        if delay is not None and (not isinstance(delay, int) or isinstance(delay, bool) or delay < 0):
            raise _fail("delay_seconds must be a non-negative integer", "delay_seconds")


def _check_variable_value(var_type: str, value: Any) -> None:
    ok = {
        "STRING": isinstance(value, str),
        "INTEGER": isinstance(value, int) and not isinstance(value, bool),
        "FLOAT": isinstance(value, int | float) and not isinstance(value, bool),
        "BOOLEAN": isinstance(value, bool),
        "JSON": True,
    }.get(var_type, False)
    if value is not None and not ok:
        raise _fail(f"value does not match type {var_type}", "value")


def validate_operations(operations: Any, target: EntitySpec | None) -> None:
    """RFC 6902 shape, and only content fields of the target (never ids, references or bookkeeping)."""
    if not isinstance(operations, list) or not operations:
        raise _fail("operations must be a non-empty list of JSON Patch operations", "operations")
    allowed_ops = {"add", "remove", "replace", "move", "copy", "test"}
    for index, op in enumerate(operations):
        if not isinstance(op, dict) or op.get("op") not in allowed_ops or not isinstance(op.get("path"), str):
            raise _fail("each operation needs op (RFC 6902) and path", f"operations[{index}]")
        if op["op"] in {"add", "replace", "test"} and "value" not in op:
            raise _fail(f"{op['op']} needs a value", f"operations[{index}]")
        for key in ("path", "from"):
            if key not in op:
                continue
            path = op[key]
            if not isinstance(path, str) or not path.startswith("/"):
                raise _fail("paths must be JSON Pointers", f"operations[{index}].{key}")
            top = path[1:].split("/", 1)[0]
            if top in PROTECTED_FIELDS:
                raise _fail(f"path {path} is protected", f"operations[{index}].{key}", reason="PROTECTED_PATH")
            if target is not None and top not in target.model.content_fields:
                raise _fail(f"{path} is not a field of {target.type.value}", f"operations[{index}].{key}")


async def check_references(
    store: VersionStore, spec: EntitySpec, content: dict[str, Any], branch: Branch, at: int
) -> None:
    """Every referenced entity exists on this branch at this time (and is of the declared type)."""
    for ref in spec.references:
        value = content.get(ref.field)
        if value is None:
            if ref.field in REQUIRED.get(spec.type, ()):
                raise _fail(f"{ref.field} is required", ref.field)
            continue
        target_type: str | None = ref.target_type.value if ref.target_type else content.get(ref.type_field or "")
        if target_type in {"WORLD", "CAMPAIGN"}:
            continue  # scopes above the versioned entities
        if target_type not in {t.value for t in SPECS}:
            raise _fail(f"{ref.type_field} must be an entity type", ref.type_field or ref.field)
        if await store.read(target_type, uuid.UUID(str(value)), branch, at) is None:
            raise _fail(
                f"{ref.field} refers to a {target_type.lower()} that does not exist here",
                ref.field,
                entityType=target_type,
                entityId=str(value),
            )


async def validate_content(
    store: VersionStore, spec: EntitySpec, content: dict[str, Any], branch: Branch, at: int
) -> dict[str, Any]:
    """Normalise and check a full content dict (after the patch was applied)."""
    unknown = set(content) - set(spec.model.content_fields)
    if unknown:
        raise _fail(f"unknown fields: {sorted(unknown)}", sorted(unknown)[0])
    for field in REQUIRED.get(spec.type, ()):
        if content.get(field) in (None, ""):
            raise _fail(f"{field} is required", field)
    _check_scalars(spec.type, content)
    target = None
    if spec.type == EntityType.EFFECT:
        try:
            target = SPECS[EntityType(content["target_type"])]
        except (KeyError, ValueError):
            raise _fail("target_type must be an entity type", "target_type") from None
    _check_rules(spec.type, content, target)
    if "variable_schemas" in spec.model.content_fields:
        content["variable_schemas"], content["variables"] = validate_variables(
            content.get("variable_schemas"), content.get("variables")
        )
    if spec.type == EntityType.LOCATION and content.get("geom") is not None:
        content["geom"] = validate_geometry(content["geom"], content["kind"])
    if spec.type == EntityType.LINK and str(content["source_id"]) == str(content["target_id"]):
        raise _fail("a link cannot connect an entity to itself", "target_id")
    await check_references(store, spec, content, branch, at)
    return content
