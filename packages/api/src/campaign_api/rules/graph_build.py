"""The dependency graph of ONE (campaign, branch), built from the database (SPEC §5).

Nodes: state variables (``VARIABLE:<variable id>``), entity fields (``ENTITY_FIELD:SETTLEMENT:<id>.level``),
conditions, effects, events and encounters. Edges, as the rules engine defines them:

- ``READS`` condition → what it reads: ``var.*``/``flags.*`` variables (and, through derived formulas,
  the variables those read), fields of its owner's related entities (``settlement.level``), ``entity``
  lookups, ``resolved`` events/encounters, the location fields ``inside``/``distance`` use;
- ``DECIDES`` condition → the event/encounter it makes available/visible, or the field it computes;
- ``WRITES`` effect → the fields its JSON Patch paths touch (the variable itself for a variable target);
- ``TRIGGERS`` event/encounter → its effects, and ``PREREQUISITE``/``TRIGGERS`` links.

Every read goes through `VersionStore` (scoped to the branch's campaign) or filters by campaign id:
a graph never holds another campaign's rows. A read of something that does not exist (a variable
nobody defined, a deleted entity) stays an edge to an undeclared node: the engine reports it dangling.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import select

from campaign_api.db.models import Branch, EntityRecord
from campaign_api.domain.store import EntityState, VersionStore
from campaign_api.rules import facts
from campaign_api.rules.relations import NAMESPACE_OF, Owner, related
from campaign_shared.messages import EntityType
from campaign_shared.rule_analysis import RuleReads, analyse, entity_field_id

VARIABLE, ENTITY_FIELD, CONDITION, EFFECT, EVENT, ENCOUNTER = (
    "VARIABLE",
    "ENTITY_FIELD",
    "CONDITION",
    "EFFECT",
    "EVENT",
    "ENCOUNTER",
)
OCCURRENCE_KINDS: Final = {EntityType.EVENT: EVENT, EntityType.ENCOUNTER: ENCOUNTER, EntityType.EFFECT: EFFECT}
DECIDED_FIELDS: Final = frozenset({"available", "visible"})
LINK_KINDS: Final = ("PREREQUISITE", "TRIGGERS")
CAMPAIGN = "CAMPAIGN"


@dataclass(frozen=True, slots=True, order=True)
class Node:
    kind: str
    id: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True, slots=True)
class Edge:
    source: Node
    target: Node
    kind: str


@dataclass(slots=True)
class Graph:
    campaign_id: uuid.UUID
    branch_id: uuid.UUID
    nodes: dict[Node, str] = field(default_factory=dict)
    """Declared nodes and their labels (names a GM recognises)."""
    edges: dict[Edge, None] = field(default_factory=dict)
    labels: dict[Node, str] = field(default_factory=dict)
    """Labels of nodes edges name but nobody declared (dangling references)."""

    def declare(self, node: Node, label: str) -> Node:
        self.nodes[node] = label
        return node

    def edge(self, source: Node, target: Node, kind: str) -> None:
        self.edges[Edge(source, target, kind)] = None

    def label(self, node: Node) -> str:
        return self.nodes.get(node) or self.labels.get(node) or node.key


@dataclass(slots=True)
class _Rows:
    conditions: list[EntityState]
    effects: list[EntityState]
    links: list[EntityState]
    variables: list[EntityState]
    events: list[EntityState]
    encounters: list[EntityState]


async def build_graph(store: VersionStore, branch: Branch, at: int | None = None) -> Graph:
    """The graph of ``branch``'s campaign as of (branch, at) — default: the branch's world time."""
    when = branch.world_time if at is None else at
    rows = await _load(store, branch, when)
    builder = _GraphBuilder(store, branch, when, rows)
    await builder.build()
    return builder.graph


async def _load(store: VersionStore, branch: Branch, at: int) -> _Rows:
    def active(row: Any) -> Any:
        return row.active.is_(True)

    return _Rows(
        conditions=await store.read_many(EntityType.CONDITION, branch, at, where=[active]),
        effects=await store.read_many(EntityType.EFFECT, branch, at, where=[active]),
        links=await store.read_many(EntityType.LINK, branch, at, where=[lambda row: row.kind.in_(LINK_KINDS)]),
        variables=await store.read_many(EntityType.STATE_VARIABLE, branch, at),
        events=await store.read_many(EntityType.EVENT, branch, at),
        encounters=await store.read_many(EntityType.ENCOUNTER, branch, at),
    )


def _field(path: str) -> str:
    return path.split(".", 1)[0]


def _pointer_field(pointer: Any) -> str | None:
    if not isinstance(pointer, str) or not pointer.startswith("/"):
        return None
    top = pointer[1:].split("/", 1)[0].replace("~1", "/").replace("~0", "~")
    return top or None


class _GraphBuilder:
    def __init__(self, store: VersionStore, branch: Branch, at: int, rows: _Rows) -> None:
        self.store, self.branch, self.at, self.rows = store, branch, at, rows
        self.graph = Graph(branch.campaign_id, branch.id)
        self.names: dict[uuid.UUID, tuple[EntityType, str]] = {}
        self.variables: dict[tuple[str, str | None, str], EntityState] = {}
        self.fields: dict[Node, tuple[EntityType, uuid.UUID, str]] = {}
        """Entity-field nodes used by edges, declared once their entity is known to exist."""

    async def build(self) -> None:
        self._declare_occurrences()
        self._declare_variables()
        analyses = [analyse(c.content["expression"]) for c in self.rows.conditions]
        await self._learn_names(analyses)
        await self._conditions(analyses)
        self._effects()
        self._links()
        await self._declare_fields()

    # -- nodes ----------------------------------------------------------------------------------

    def _name(self, entity_type: EntityType | str, entity_id: Any) -> str:
        ident = facts.as_uuid(entity_id)
        known = self.names.get(ident) if ident is not None else None
        kind = str(entity_type).lower().replace("_", " ")
        return f"{kind} {known[1]}" if known else f"{kind} {str(entity_id)[:8]}"

    def _remember(self, states: Iterable[EntityState]) -> None:
        for state in states:
            name = state.content.get("name") or state.content.get("key") or str(state.entity_id)[:8]
            self.names[state.entity_id] = (state.entity_type, str(name))

    def _declare_occurrences(self) -> None:
        self._remember(self.rows.events)
        self._remember(self.rows.encounters)
        for state in self.rows.events:
            self.graph.declare(Node(EVENT, str(state.entity_id)), self._name(EntityType.EVENT, state.entity_id))
        for state in self.rows.encounters:
            self.graph.declare(Node(ENCOUNTER, str(state.entity_id)), self._name(EntityType.ENCOUNTER, state.entity_id))

    def _declare_variables(self) -> None:
        for state in self.rows.variables:
            c = state.content
            scope_id = str(c["scope_id"]) if c.get("scope_id") else None
            self.variables[(c["scope"], scope_id, c["key"])] = state

    def _variable_label(self, scope: str, scope_id: str | None, key: str) -> str:
        if scope == CAMPAIGN:
            return f"flag {key}"
        return f"var {key} of {self._name(scope, scope_id)}" if scope_id else f"var {key} ({scope.lower()})"

    async def _learn_names(self, analyses: list[RuleReads]) -> None:
        """Names of every entity the graph mentions: one query per type."""
        wanted: dict[EntityType, set[uuid.UUID]] = defaultdict(set)

        def want(entity_type: Any, entity_id: Any) -> None:
            etype, ident = facts.entity_type_of(str(entity_type)), facts.as_uuid(entity_id)
            if etype is not None and ident is not None and ident not in self.names:
                wanted[etype].add(ident)

        for state in self.rows.conditions:
            want(state.content["owner_type"], state.content["owner_id"])
        for state in self.rows.effects:
            want(state.content["owner_type"], state.content["owner_id"])
            want(state.content["target_type"], state.content["target_id"])
        for state in self.rows.variables:
            if state.content.get("scope_id"):
                want(state.content["scope"], state.content["scope_id"])
        for reads in analyses:
            for read in reads.entity_fields:
                want(read.entity_type, read.entity_id)
        self._remember((await facts.read_by_type(self.store, self.branch, self.at, wanted)).values())
        for state in self.rows.variables:
            c = state.content
            scope_id = str(c["scope_id"]) if c.get("scope_id") else None
            self.graph.declare(
                Node(VARIABLE, str(state.entity_id)), self._variable_label(c["scope"], scope_id, c["key"])
            )

    def _field_node(self, entity_type: EntityType, entity_id: uuid.UUID, name: str) -> Node:
        node = Node(ENTITY_FIELD, entity_field_id(entity_type.value, str(entity_id), name))
        self.fields[node] = (entity_type, entity_id, name)
        self.graph.labels[node] = f"{self._name(entity_type, entity_id)}.{name}"
        return node

    async def _declare_fields(self) -> None:
        """Entity-field nodes whose entity exists as of (branch, at): one query per type."""
        wanted: dict[EntityType, set[uuid.UUID]] = defaultdict(set)
        for etype, ident, _ in self.fields.values():
            wanted[etype].add(ident)
        existing = await facts.read_by_type(self.store, self.branch, self.at, wanted)
        for node, (_, ident, _) in self.fields.items():
            if ident in existing:
                self.graph.declare(node, self.graph.labels[node])

    # -- conditions -------------------------------------------------------------------------------

    async def _conditions(self, analyses: list[RuleReads]) -> None:
        owners = [
            Owner(EntityType(c.content["owner_type"]), uuid.UUID(str(c.content["owner_id"])))
            for c in self.rows.conditions
        ]
        wanted = {ns for reads in analyses for ns in reads.namespaces if ns in NAMESPACE_OF.values()}
        relations = await related(self.store, self.branch, self.at, owners, wanted)
        self._remember(state for found in relations.values() for state in found.values())
        spatial_ids = {ident for reads in analyses for s in reads.spatial for ident in (s.first, s.second)}
        locations = await self._spatial_kinds(spatial_ids)
        for condition, reads, owner in zip(self.rows.conditions, analyses, owners, strict=True):
            field_name = condition.content["field"]
            label = f"condition {self._name(owner.entity_type, owner.entity_id)}.{field_name}"
            node = self.graph.declare(Node(CONDITION, str(condition.entity_id)), label)
            self.graph.edge(node, self._decided(owner, field_name), "DECIDES")
            for target in self._reads(owner, reads, relations[owner], locations):
                self.graph.edge(node, target, "READS")

    def _decided(self, owner: Owner, field_name: str) -> Node:
        if owner.entity_type in (EntityType.EVENT, EntityType.ENCOUNTER) and field_name in DECIDED_FIELDS:
            return Node(OCCURRENCE_KINDS[owner.entity_type], str(owner.entity_id))
        return self._field_node(owner.entity_type, owner.entity_id, field_name)

    def _reads(
        self, owner: Owner, reads: RuleReads, found: dict[str, EntityState], locations: dict[str, Node]
    ) -> Iterable[Node]:
        for path in reads.paths:
            if len(path) < 2:
                continue
            namespace, name = path[0], path[1]
            if namespace == "var":
                yield from self._variable_nodes(owner.entity_type.value, str(owner.entity_id), name)
            elif namespace == "flags":
                yield from self._variable_nodes(CAMPAIGN, None, name)
            elif namespace in found:
                state = found[namespace]
                yield self._field_node(state.entity_type, state.entity_id, "level" if name == "members" else name)
        for read in reads.entity_fields:
            etype, entity_id = facts.entity_type_of(read.entity_type), facts.as_uuid(read.entity_id)
            if etype is EntityType.STATE_VARIABLE and entity_id is not None:
                yield Node(VARIABLE, str(entity_id))
            elif etype is not None and entity_id is not None:
                yield self._field_node(etype, entity_id, _field(read.field))
        for occurrence in reads.resolved:
            kind = ENCOUNTER if Node(ENCOUNTER, occurrence) in self.graph.nodes else EVENT
            yield Node(kind, occurrence)
        for spatial in reads.spatial:
            yield from (locations[i] for i in (spatial.first, spatial.second) if i in locations)

    def _variable_nodes(self, scope: str, scope_id: str | None, key: str) -> Iterable[Node]:
        """The variable, and the variables its formula reads (transitively) when it is derived."""
        seen: set[str] = set()
        pending = [key]
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            state = self.variables.get((scope, scope_id, name))
            if scope == CAMPAIGN and state is None:
                state = self.variables.get((scope, str(self.branch.campaign_id), name))
            if state is None:
                missing = Node(VARIABLE, f"{scope}:{scope_id or '-'}:{name}")
                self.graph.labels[missing] = self._variable_label(scope, scope_id, name) + " (undefined)"
                yield missing
                continue
            yield Node(VARIABLE, str(state.entity_id))
            if state.content.get("var_type") == "DERIVED":
                pending.extend(_var_keys(state.content.get("formula")))

    async def _spatial_kinds(self, idents: set[str]) -> dict[str, Node]:
        """The node a spatial id stands for: a location's geometry, or another entity's location_id."""
        parsed = {ident: value for ident in idents if (value := facts.as_uuid(ident)) is not None}
        if not parsed:
            return {}
        kinds = dict(
            (
                await self.store.session.execute(
                    select(EntityRecord.id, EntityRecord.entity_type).where(
                        EntityRecord.id.in_(set(parsed.values())),
                        EntityRecord.campaign_id == self.branch.campaign_id,
                    )
                )
            ).all()
        )
        nodes = {}
        for ident, value in parsed.items():
            kind = kinds.get(value)
            if kind == EntityType.LOCATION.value:
                nodes[ident] = self._field_node(EntityType.LOCATION, value, "geom")
            elif kind is not None and facts.entity_type_of(kind) is not None:
                nodes[ident] = self._field_node(EntityType(kind), value, "location_id")
        return nodes

    # -- effects and links ------------------------------------------------------------------------

    def _effects(self) -> None:
        for effect in self.rows.effects:
            c = effect.content
            owner_type, target_type = EntityType(c["owner_type"]), EntityType(c["target_type"])
            label = f"effect of {self._name(owner_type, c['owner_id'])} on {self._name(target_type, c['target_id'])}"
            node = self.graph.declare(Node(EFFECT, str(effect.entity_id)), label)
            if owner_type in (EntityType.EVENT, EntityType.ENCOUNTER):
                self.graph.edge(Node(OCCURRENCE_KINDS[owner_type], str(c["owner_id"])), node, "TRIGGERS")
            for target in self._written(target_type, uuid.UUID(str(c["target_id"])), c.get("operations") or []):
                self.graph.edge(node, target, "WRITES")

    def _written(self, target_type: EntityType, target_id: uuid.UUID, operations: list[Any]) -> Iterable[Node]:
        if target_type is EntityType.STATE_VARIABLE:
            yield Node(VARIABLE, str(target_id))
            return
        for op in operations:
            if not isinstance(op, dict) or op.get("op") == "test":
                continue
            pointers = [op.get("path")] + ([op.get("from")] if op.get("op") == "move" else [])
            for pointer in pointers:
                name = _pointer_field(pointer)
                if name is not None:
                    yield self._field_node(target_type, target_id, name)

    def _links(self) -> None:
        for link in self.rows.links:
            c = link.content
            source_kind = OCCURRENCE_KINDS.get(EntityType(c["source_type"]))
            target_kind = OCCURRENCE_KINDS.get(EntityType(c["target_type"]))
            if source_kind and target_kind:
                self.graph.edge(
                    Node(source_kind, str(c["source_id"])), Node(target_kind, str(c["target_id"])), c["kind"]
                )


def _var_keys(formula: Any) -> set[str]:
    """``var.<key>`` names a derived formula reads (constant paths only)."""
    keys: set[str] = set()
    for path in analyse(formula).paths:
        if len(path) >= 2 and path[0] == "var":
            keys.add(path[1])
    return keys


__all__ = ["Edge", "Graph", "Node", "build_graph"]
