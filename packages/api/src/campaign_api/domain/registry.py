"""Which table holds which entity type, and how types refer to each other (for validation and cascades)."""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field

from campaign_api.db.models import (
    Character,
    Condition,
    Effect,
    Encounter,
    Event,
    Kingdom,
    Link,
    Location,
    Party,
    Secret,
    Settlement,
    StateVariable,
    Structure,
    VersionedRow,
)
from campaign_shared.messages import EntityType


@dataclass(frozen=True)
class Reference:
    """A field holding the id of another entity (`target_type` None: the type is in `type_field`)."""

    field: str
    target_type: EntityType | None
    type_field: str | None = None
    cascade: bool = False  # deleting the target deletes the holder


@dataclass(frozen=True)
class EntitySpec:
    type: EntityType
    model: builtins.type[VersionedRow]
    references: tuple[Reference, ...] = field(default=())


_OWNER = Reference("owner_id", None, "owner_type", cascade=True)

SPECS: dict[EntityType, EntitySpec] = {
    spec.type: spec
    for spec in (
        EntitySpec(EntityType.PARTY, Party),
        EntitySpec(EntityType.CHARACTER, Character, (Reference("party_id", EntityType.PARTY),)),
        EntitySpec(EntityType.KINGDOM, Kingdom),
        EntitySpec(
            EntityType.SETTLEMENT,
            Settlement,
            (Reference("kingdom_id", EntityType.KINGDOM), Reference("location_id", EntityType.LOCATION)),
        ),
        EntitySpec(
            EntityType.STRUCTURE,
            Structure,
            (Reference("settlement_id", EntityType.SETTLEMENT, cascade=True),),
        ),
        EntitySpec(EntityType.LOCATION, Location, (Reference("parent_id", EntityType.LOCATION, cascade=True),)),
        EntitySpec(EntityType.EVENT, Event, (Reference("location_id", EntityType.LOCATION),)),
        EntitySpec(EntityType.ENCOUNTER, Encounter, (Reference("location_id", EntityType.LOCATION),)),
        EntitySpec(
            EntityType.LINK,
            Link,
            (
                Reference("source_id", None, "source_type", cascade=True),
                Reference("target_id", None, "target_type", cascade=True),
            ),
        ),
        EntitySpec(EntityType.CONDITION, Condition, (_OWNER,)),
        EntitySpec(EntityType.EFFECT, Effect, (_OWNER, Reference("target_id", None, "target_type", cascade=True))),
        EntitySpec(EntityType.STATE_VARIABLE, StateVariable, (Reference("scope_id", None, "scope", cascade=True),)),
        EntitySpec(EntityType.SECRET, Secret, (_OWNER,)),
    )
}

VERSIONED_TYPES = frozenset(SPECS)


def spec_for(entity_type: EntityType | str) -> EntitySpec:
    return SPECS[EntityType(entity_type)]


def dependents(entity_type: EntityType) -> list[tuple[EntitySpec, Reference]]:
    """(holder spec, reference) pairs whose deletion cascades from an entity of `entity_type`."""
    found = []
    for spec in SPECS.values():
        for ref in spec.references:
            if ref.cascade and (ref.target_type is None or ref.target_type == entity_type):
                found.append((spec, ref))
    return found
