"""Batched database reads behind the rule context: one query per kind of fact, never one per id.

Every read is "as of (branch, t)" through `VersionStore`, and scoped to the branch's campaign.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Uuid, column, func, select, values

from campaign_api.db.models import Branch, EntityRecord
from campaign_api.domain import state_variables
from campaign_api.domain.registry import SPECS, spec_for
from campaign_api.domain.store import EntityState, VersionStore
from campaign_api.errors import ValidationFailed
from campaign_shared.messages import EntityType
from campaign_shared.rule_analysis import SpatialRead

CAMPAIGN_SCOPE = "CAMPAIGN"
_LOCATED = (EntityType.SETTLEMENT, EntityType.EVENT, EntityType.ENCOUNTER)
"""Entities that stand for their location in ``inside``/``distance``."""


def as_uuid(value: Any) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        return None


def record(state: EntityState) -> dict[str, Any]:
    """An entity as rules see it: ``id`` and its stored fields."""
    return {"id": str(state.entity_id), **state.content}


def entity_type_of(name: str) -> EntityType | None:
    """A versioned entity type from a rule's spelling (``settlement``), or None."""
    try:
        etype = EntityType(name.upper())
    except ValueError:
        return None
    return etype if etype in SPECS else None


async def read_by_type(
    store: VersionStore, branch: Branch, at: int, wanted: Mapping[EntityType, Iterable[uuid.UUID]]
) -> dict[uuid.UUID, EntityState]:
    """The entities named in ``wanted`` as of (branch, at): one query per type."""
    found: dict[uuid.UUID, EntityState] = {}
    for etype, ids in wanted.items():
        unique = sorted(set(ids))
        if unique:
            for state in await store.read_many(etype, branch, at, entity_ids=unique, include_archived=True):
                found[state.entity_id] = state
    return found


def effective_level(override: Any, member_levels: Sequence[int]) -> int | None:
    """A party's level: its override, or the rounded mean of its members' levels (half up)."""
    if override is not None:
        return int(override)
    if not member_levels:
        return None
    return math.floor(sum(member_levels) / len(member_levels) + 0.5)


async def enrich_parties(store: VersionStore, branch: Branch, at: int, parties: Iterable[dict[str, Any]]) -> None:
    """Give party records their effective ``level`` and ``members``: one query for all their characters."""
    by_id = {party["id"]: party for party in parties}
    if not by_id:
        return
    ids = [uuid.UUID(ident) for ident in by_id]
    members = await store.read_many(EntityType.CHARACTER, branch, at, where=[lambda row: row.party_id.in_(ids)])
    grouped: dict[str, list[dict[str, Any]]] = {ident: [] for ident in by_id}
    for state in members:
        grouped[str(state.content["party_id"])].append(record(state))
    for ident, party in by_id.items():
        party["members"] = grouped[ident]
        party["level"] = effective_level(party.get("level_override"), [m["level"] for m in grouped[ident]])


async def structures_of(store: VersionStore, branch: Branch, at: int, settlement_id: uuid.UUID) -> list[dict[str, Any]]:
    states = await store.read_many(
        EntityType.STRUCTURE, branch, at, where=[lambda row: row.settlement_id == settlement_id]
    )
    return [record(state) for state in states]


async def resolved_facts(store: VersionStore, branch: Branch, at: int, idents: Iterable[str]) -> dict[str, bool]:
    """Whether each id is an event COMPLETED or an encounter RESOLVED as of (branch, at); unknown ids are False."""
    wanted = {ident: as_uuid(ident) for ident in idents}
    ids = [value for value in wanted.values() if value is not None]
    done: dict[uuid.UUID, bool] = {}
    if ids:
        for state in await store.read_many(EntityType.EVENT, branch, at, entity_ids=ids, include_archived=True):
            done[state.entity_id] = state.content.get("status") == "COMPLETED"
        rest = [ident for ident in ids if ident not in done]
        if rest:
            for state in await store.read_many(
                EntityType.ENCOUNTER, branch, at, entity_ids=rest, include_archived=True
            ):
                done[state.entity_id] = state.content.get("status") == "RESOLVED"
    return {ident: value is not None and done.get(value, False) for ident, value in wanted.items()}


async def variables(
    store: VersionStore,
    branch: Branch,
    at: int,
    scopes: Sequence[tuple[str, uuid.UUID | None]],
    context: dict[str, Any],
) -> list[dict[str, Any]]:
    """Values of every state variable of each (scope, scope id), derived ones computed: one query in all.

    A derived variable that fails (or a cycle) is ``null`` rather than failing the whole evaluation.
    """
    if not scopes:
        return []

    def in_scopes(row: Any) -> Any:
        from sqlalchemy import and_, or_

        return or_(
            *(
                and_(row.scope == scope, row.scope_id.is_(None) if ident is None else row.scope_id == ident)
                for scope, ident in scopes
            )
        )

    states = await store.read_many(EntityType.STATE_VARIABLE, branch, at, where=[in_scopes])
    results = []
    for scope, ident in scopes:
        group = {
            s.content["key"]: s.content
            for s in states
            if s.content["scope"] == scope and as_uuid(s.content.get("scope_id")) == ident
        }
        results.append(_values(group, context))
    return results


def _values(group: dict[str, dict[str, Any]], context: dict[str, Any]) -> dict[str, Any]:
    try:
        return state_variables.evaluate(group, context)
    except ValidationFailed:
        plain = {k: v for k, v in group.items() if v["var_type"] != "DERIVED"}
        values = state_variables.evaluate(plain, context)
        values.update({k: None for k in group if k not in plain})
        return values


async def spatial_facts(
    store: VersionStore, branch: Branch, at: int, reads: Iterable[SpatialRead]
) -> dict[str, dict[str, dict[str, Any]]]:
    """``inside`` and ``distance`` for every pair in one PostGIS statement (plus id resolution).

    An id may be a location, or a settlement, event or encounter standing for its location. Unknown
    ids or missing geometries: ``inside`` is false, ``distance`` null.
    """
    pairs = sorted(set(reads), key=lambda r: (r.operator, r.first, r.second))
    facts: dict[str, dict[str, dict[str, Any]]] = {"inside": {}, "distance": {}}
    for read in pairs:
        facts[read.operator].setdefault(read.first, {})[read.second] = False if read.operator == "inside" else None
    located = await _locations(store, branch, at, {ident for read in pairs for ident in (read.first, read.second)})
    wanted = [(read, located.get(read.first), located.get(read.second)) for read in pairs]
    geometric = [(read, a, b) for read, a, b in wanted if a is not None and b is not None]
    if not geometric:
        return facts
    tree = await store.tree(branch.campaign_id)
    chain = tree.chain(branch.id, at)
    ids = sorted({a for _, a, _ in geometric} | {b for _, _, b in geometric})
    query, _, params = store.as_of_query(
        spec_for(EntityType.LOCATION), branch.campaign_id, branch.id, chain, entity_ids=ids
    )
    shapes = query.subquery("shapes")
    first, second = shapes.alias("first_shape"), shapes.alias("second_shape")
    table = values(column("a", Uuid), column("b", Uuid), name="pairs").data(sorted({(a, b) for _, a, b in geometric}))
    rows = await store.session.execute(
        select(
            table.c.a,
            table.c.b,
            func.ST_Covers(second.c.geom, first.c.geom),
            func.ST_Distance(first.c.geom, second.c.geom),
        )
        .select_from(table)
        .join(first, first.c.entity_id == table.c.a)
        .join(second, second.c.entity_id == table.c.b)
        .where(first.c.geom.is_not(None), second.c.geom.is_not(None)),
        params,
    )
    measured = {(a, b): (bool(covers), float(dist)) for a, b, covers, dist in rows.all()}
    for read, a, b in geometric:
        covers, dist = measured.get((a, b), (False, None))
        facts[read.operator][read.first][read.second] = covers if read.operator == "inside" else dist
    return facts


async def _locations(store: VersionStore, branch: Branch, at: int, idents: set[str]) -> dict[str, uuid.UUID]:
    """Location id per given id: locations themselves, or the location of a settlement, event or encounter."""
    parsed = {ident: value for ident in idents if (value := as_uuid(ident)) is not None}
    if not parsed:
        return {}
    kinds = dict(
        (
            await store.session.execute(
                select(EntityRecord.id, EntityRecord.entity_type).where(
                    EntityRecord.id.in_(set(parsed.values())), EntityRecord.campaign_id == branch.campaign_id
                )
            )
        ).all()
    )
    wanted = {etype: [i for i in parsed.values() if kinds.get(i) == etype.value] for etype in _LOCATED}
    holders = await read_by_type(store, branch, at, wanted)
    result: dict[str, uuid.UUID] = {}
    for ident, value in parsed.items():
        if kinds.get(value) == EntityType.LOCATION.value:
            result[ident] = value
        elif value in holders and (location := as_uuid(holders[value].content.get("location_id"))) is not None:
            result[ident] = location
    return result
