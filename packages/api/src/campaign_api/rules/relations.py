"""The entities related to rule owners (``party``, ``settlement``, ``kingdom`` ... of a condition's owner).

One owner or thousands (the dependency graph), the reads are staged and batched: the owners, then
what they refer to, then the kingdoms of the settlements found — one query per entity type and
stage, never one per owner. The relations:

- the owner itself under its own name (``settlement`` for a settlement ...);
- a character's party, a structure's settlement, a settlement's kingdom (also for a structure);
- the settlement at an event's, encounter's or location's location, and that settlement's kingdom;
- when none of these names a party or kingdom: the campaign's only party / only kingdom, if it has one.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Final

from campaign_api.db.models import Branch
from campaign_api.domain.store import EntityState, VersionStore
from campaign_api.rules.facts import as_uuid, read_by_type
from campaign_shared.messages import EntityType

NAMESPACE_OF: Final = {
    EntityType.PARTY: "party",
    EntityType.KINGDOM: "kingdom",
    EntityType.SETTLEMENT: "settlement",
    EntityType.STRUCTURE: "structure",
    EntityType.CHARACTER: "character",
    EntityType.EVENT: "event",
    EntityType.ENCOUNTER: "encounter",
    EntityType.LOCATION: "location",
}
TYPE_OF: Final = {namespace: etype for etype, namespace in NAMESPACE_OF.items()}
_REFERENCES: Final = {
    # owner type -> (namespace, field holding its id)
    EntityType.CHARACTER: ("party", "party_id"),
    EntityType.STRUCTURE: ("settlement", "settlement_id"),
    EntityType.SETTLEMENT: ("kingdom", "kingdom_id"),
}
_AT_A_LOCATION: Final = frozenset({EntityType.EVENT, EntityType.ENCOUNTER, EntityType.LOCATION})


@dataclass(frozen=True, slots=True)
class Owner:
    entity_type: EntityType
    entity_id: uuid.UUID


Related = dict[str, EntityState]
"""Namespace (``party``, ``settlement`` ...) -> entity, for one owner."""


async def related(
    store: VersionStore, branch: Branch, at: int, owners: Sequence[Owner], wanted: Collection[str]
) -> dict[Owner, Related]:
    """The ``wanted`` namespaces of every owner as of (branch, at)."""
    result: dict[Owner, Related] = {owner: {} for owner in owners}
    if not wanted or not owners:
        return result
    by_type: dict[EntityType, list[uuid.UUID]] = defaultdict(list)
    for owner in owners:
        if owner.entity_type in NAMESPACE_OF:
            by_type[owner.entity_type].append(owner.entity_id)
    states = await read_by_type(store, branch, at, by_type)
    for owner in owners:
        if owner.entity_id in states:
            result[owner][NAMESPACE_OF[owner.entity_type]] = states[owner.entity_id]
    await _follow(store, branch, at, result, wanted, first=True)
    await _settlements_at_locations(store, branch, at, result, wanted)
    await _follow(store, branch, at, result, wanted, first=False)
    await _only_ones(store, branch, at, result, wanted)
    return {owner: {ns: s for ns, s in found.items() if ns in wanted} for owner, found in result.items()}


def _needs(namespace: str, wanted: Collection[str]) -> bool:
    """A settlement is needed for itself or to reach its kingdom."""
    return namespace in wanted or (namespace == "settlement" and "kingdom" in wanted)


async def _follow(
    store: VersionStore, branch: Branch, at: int, result: dict[Owner, Related], wanted: Collection[str], *, first: bool
) -> None:
    """One step along the references (the second step reaches a structure's or location's kingdom)."""
    pending: list[tuple[Related, str, uuid.UUID]] = []
    for found in result.values():
        for source_type, (namespace, field) in _REFERENCES.items():
            source = found.get(NAMESPACE_OF[source_type])
            if source is None or namespace in found or not _needs(namespace, wanted):
                continue
            if not first and source_type is not EntityType.SETTLEMENT:
                continue
            ident = as_uuid(source.content.get(field))
            if ident is not None:
                pending.append((found, namespace, ident))
    wanted_ids: dict[EntityType, list[uuid.UUID]] = defaultdict(list)
    for _, namespace, ident in pending:
        wanted_ids[TYPE_OF[namespace]].append(ident)
    states = await read_by_type(store, branch, at, wanted_ids)
    for found, namespace, ident in pending:
        if ident in states:
            found[namespace] = states[ident]


async def _settlements_at_locations(
    store: VersionStore, branch: Branch, at: int, result: dict[Owner, Related], wanted: Collection[str]
) -> None:
    pending: list[tuple[Related, uuid.UUID]] = []
    for owner, found in result.items():
        state = found.get(NAMESPACE_OF.get(owner.entity_type, ""))
        if owner.entity_type not in _AT_A_LOCATION or state is None or not _needs("settlement", wanted):
            continue
        if "settlement" in found:
            continue
        location = (
            owner.entity_id if owner.entity_type is EntityType.LOCATION else as_uuid(state.content.get("location_id"))
        )
        if location is not None:
            pending.append((found, location))
    if not pending:
        return
    locations = sorted({location for _, location in pending})
    settlements = await store.read_many(
        EntityType.SETTLEMENT, branch, at, where=[lambda row: row.location_id.in_(locations)]
    )
    by_location = {as_uuid(s.content.get("location_id")): s for s in settlements}
    for found, location in pending:
        if location in by_location:
            found["settlement"] = by_location[location]


async def _only_ones(
    store: VersionStore, branch: Branch, at: int, result: dict[Owner, Related], wanted: Collection[str]
) -> None:
    for namespace in ("party", "kingdom"):
        if namespace not in wanted or all(namespace in found for found in result.values()):
            continue
        only = await store.read_many(TYPE_OF[namespace], branch, at, limit=2)
        if len(only) == 1:
            for found in result.values():
                found.setdefault(namespace, only[0])
