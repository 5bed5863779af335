"""The context builder: every fact a set of rules reads, fetched in one batch per kind before evaluation.

Given (campaign, branch, world time, owner entity) and the rules, it analyses the rules
(``campaign_shared.rule_analysis``) and builds the data object of SPEC §5::

    world      {time, calendar, id, name}          campaign  {id, name, description, settings, srid, world_id}
    branch     {id, name, parent_id, fork_time, world_time, color, tags}
    party kingdom settlement structure character event encounter (location)
               the owner and the entities related to it (stored field names, plus ``id``);
               ``party.level`` is the effective level, ``party.members`` its characters,
               ``settlement.structures`` its structures
    var        state variables of the owner's scope (derived ones computed)
    flags      campaign flags: state variables of the CAMPAIGN scope
    entity     {TYPE: {id: record}} for ``{"entity": [type, id, field]}``
    facts      {resolved: {id: bool}, inside: {loc: {region: bool}}, distance: {a: {b: float}}}

Related entities: a character's party; a structure's settlement; a settlement's (or structure's)
kingdom; the settlement at an event's, encounter's or location's location; and, when the owner names
no party or kingdom, the campaign's only one. Only the sections the rules read are built (all of them
when a rule's reads depend on evaluation), and ids computed from the context
(``{"inside": [{"var": "event.location_id"}, "…"]}``) are fetched in a second round.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from campaign_api.db.models import Branch, Campaign, World
from campaign_api.domain.store import VersionStore
from campaign_api.errors import NotFound
from campaign_api.rules import facts
from campaign_api.rules.operators import install
from campaign_api.rules.reads import CombinedReads, combine, computed_facts, view
from campaign_api.rules.relations import NAMESPACE_OF, Owner, related
from campaign_shared.messages import EntityType
from campaign_shared.rule_analysis import EntityRead, RuleReads, SpatialRead, analyse
from campaign_shared.rules_operators import ENTITY, FACTS


@dataclass(slots=True)
class RuleContext:
    """The data object for some rules, and each rule's reads (to send each rule only its slice)."""

    data: dict[str, Any]
    reads: list[RuleReads] = field(default_factory=list)

    def for_rule(self, index: int) -> dict[str, Any]:
        """What rule ``index`` reads of :attr:`data` (the engine's cache key hashes exactly this)."""
        return view(self.data, self.reads[index])


async def build_context(
    store: VersionStore, branch: Branch, at: int | None, owner: Owner | None, rules: Sequence[Any]
) -> RuleContext:
    """Analyse ``rules`` and fetch everything they read as of (branch, at)."""
    install()  # computed ids may call domain operators
    when = branch.world_time if at is None else at
    analyses = [analyse(rule) for rule in rules]
    builder = _Builder(store, branch, when, owner, combine(analyses))
    data = await builder.build()
    extra = computed_facts(rules, data)
    if any(extra):
        await builder.add_facts(data, *extra)
    return RuleContext(data, analyses)


class _Builder:
    def __init__(self, store: VersionStore, branch: Branch, at: int, owner: Owner | None, reads: CombinedReads) -> None:
        self.store, self.branch, self.at, self.owner, self.reads = store, branch, at, owner, reads

    async def build(self) -> dict[str, Any]:
        data = await self._base()
        if self.owner is not None:
            data.update(await self._related(self.owner))
            if data.get("settlement") and self.reads.reads_path("settlement", "structures"):
                settlement = data["settlement"]
                settlement["structures"] = await facts.structures_of(
                    self.store, self.branch, self.at, uuid.UUID(settlement["id"])
                )
        await self._variables(data)
        data[ENTITY] = {}
        data[FACTS] = {"resolved": {}, "inside": {}, "distance": {}}
        await self.add_facts(data, self.reads.entities, self.reads.resolved, self.reads.spatial)
        return data

    async def _base(self) -> dict[str, Any]:
        row = (
            await self.store.session.execute(
                select(Campaign, World)
                .join(World, World.id == Campaign.world_id)
                .where(Campaign.id == self.branch.campaign_id)
            )
        ).first()
        if row is None:
            raise NotFound("campaign not found", details={"campaignId": str(self.branch.campaign_id)})
        campaign, world = row
        b = self.branch
        return {
            "world": {"time": self.at, "calendar": world.calendar, "id": str(world.id), "name": world.name},
            "campaign": {
                "id": str(campaign.id),
                "name": campaign.name,
                "description": campaign.description,
                "settings": campaign.settings or {},
                "srid": campaign.srid,
                "world_id": str(campaign.world_id),
            },
            "branch": {
                "id": str(b.id),
                "name": b.name,
                "parent_id": str(b.parent_id) if b.parent_id else None,
                "fork_time": b.fork_time,
                "world_time": b.world_time,
                "color": b.color,
                "tags": list(b.tags or []),
            },
        }

    # -- the owner and its related entities ------------------------------------------------------

    async def _related(self, owner: Owner) -> dict[str, dict[str, Any]]:
        wanted = {ns for ns in NAMESPACE_OF.values() if self.reads.wants(ns)}
        found = (await related(self.store, self.branch, self.at, [owner], wanted))[owner]
        records = {ns: facts.record(state) for ns, state in found.items()}
        if "party" in records:
            await facts.enrich_parties(self.store, self.branch, self.at, [records["party"]])
        return records

    async def _variables(self, data: dict[str, Any]) -> None:
        scopes: list[tuple[str, uuid.UUID | None]] = []
        if self.reads.wants("var") and self.owner is not None:
            scopes.append((self.owner.entity_type.value, self.owner.entity_id))
        if self.reads.wants("flags"):
            scopes += [(facts.CAMPAIGN_SCOPE, self.branch.campaign_id), (facts.CAMPAIGN_SCOPE, None)]
        results = await facts.variables(self.store, self.branch, self.at, scopes, dict(data))
        if self.reads.wants("var"):
            data["var"] = results.pop(0) if self.owner is not None else {}
        if self.reads.wants("flags"):
            by_campaign, unscoped = results
            data["flags"] = {**unscoped, **by_campaign}

    # -- facts for the domain operators ---------------------------------------------------------

    async def add_facts(
        self,
        data: dict[str, Any],
        entities: Iterable[EntityRead],
        resolved: Iterable[str],
        spatial: Iterable[SpatialRead],
    ) -> None:
        """Fetch what is not in ``data`` yet: entity records, resolved flags, spatial facts."""
        known_facts = data[FACTS]
        await self._entities(data[ENTITY], entities)
        missing = [ident for ident in set(resolved) if ident not in known_facts["resolved"]]
        if missing:
            known_facts["resolved"].update(await facts.resolved_facts(self.store, self.branch, self.at, missing))
        pairs = [read for read in set(spatial) if read.second not in known_facts[read.operator].get(read.first, {})]
        if pairs:
            found = await facts.spatial_facts(self.store, self.branch, self.at, pairs)
            for operator, table in found.items():
                for first, row in table.items():
                    known_facts[operator].setdefault(first, {}).update(row)

    async def _entities(self, table: dict[str, dict[str, Any]], reads: Iterable[EntityRead]) -> None:
        reads = list(reads)
        wanted: dict[EntityType, set[uuid.UUID]] = defaultdict(set)
        for read in reads:
            etype, ident = facts.entity_type_of(read.entity_type), facts.as_uuid(read.entity_id)
            if etype is not None and ident is not None and read.entity_id not in table.get(etype.value, {}):
                wanted[etype].add(ident)
        states = await facts.read_by_type(self.store, self.branch, self.at, wanted)
        parties = []
        for read in reads:
            etype = facts.entity_type_of(read.entity_type)
            ident = facts.as_uuid(read.entity_id)
            if etype is None or ident is None or ident not in states or read.entity_id in table.get(etype.value, {}):
                continue
            entry = facts.record(states[ident])
            table.setdefault(etype.value, {})[read.entity_id] = entry
            if etype is EntityType.PARTY:
                parties.append(entry)
        await facts.enrich_parties(self.store, self.branch, self.at, parties)
