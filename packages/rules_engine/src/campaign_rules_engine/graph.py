"""The dependency graph of one (campaign, branch): what depends on what, and what a change makes stale.

Nodes are variables, entity fields, conditions, effects, events and encounters. Edges are stored
as declared (``READS`` condition -> what it reads, ``WRITES`` effect -> what it patches,
``PREREQUISITE``/``TRIGGERS`` links, ``DECIDES`` condition -> what it decides) and indexed by
*data flow*: a change flows from an edge's upstream to its downstream node (for ``READS`` from the
read thing to the condition, for every other kind from source to target).

A graph only ever holds one (campaign, branch); the earlier implementation loaded every campaign
into one graph and leaked across tenants. All algorithms are iterative (Tarjan, Kahn, DFS), so a
graph of any depth never hits the recursion limit, and adjacency is kept in insertion-ordered dicts
so results are deterministic for the same input.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple


class NodeKind(StrEnum):
    VARIABLE = "VARIABLE"
    ENTITY_FIELD = "ENTITY_FIELD"
    CONDITION = "CONDITION"
    EFFECT = "EFFECT"
    EVENT = "EVENT"
    ENCOUNTER = "ENCOUNTER"


class EdgeKind(StrEnum):
    READS = "READS"
    WRITES = "WRITES"
    PREREQUISITE = "PREREQUISITE"
    TRIGGERS = "TRIGGERS"
    DECIDES = "DECIDES"


class NodeRef(NamedTuple):
    """A node's identity; a tuple, so hashing and equality stay in C on the hot paths."""

    kind: NodeKind
    id: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"


class Edge(NamedTuple):
    source: NodeRef
    target: NodeRef
    kind: EdgeKind

    @property
    def upstream(self) -> NodeRef:
        """The node whose change makes the other one stale."""
        return self.target if self.kind is EdgeKind.READS else self.source

    @property
    def downstream(self) -> NodeRef:
        return self.source if self.kind is EdgeKind.READS else self.target

    def __str__(self) -> str:
        return f"{self.source} -{self.kind}-> {self.target}"


_ANY_VALUE = frozenset({NodeKind.VARIABLE, NodeKind.ENTITY_FIELD})
_OCCURRENCES = frozenset({NodeKind.EVENT, NodeKind.ENCOUNTER})
EDGE_ENDPOINTS: dict[EdgeKind, tuple[frozenset[NodeKind], frozenset[NodeKind]]] = {
    EdgeKind.READS: (frozenset({NodeKind.CONDITION}), _ANY_VALUE | _OCCURRENCES),
    EdgeKind.WRITES: (frozenset({NodeKind.EFFECT}), _ANY_VALUE),
    EdgeKind.PREREQUISITE: (_OCCURRENCES, _OCCURRENCES),
    EdgeKind.TRIGGERS: (_OCCURRENCES | {NodeKind.EFFECT}, _OCCURRENCES | {NodeKind.EFFECT}),
    EdgeKind.DECIDES: (frozenset({NodeKind.CONDITION}), _ANY_VALUE | _OCCURRENCES),
}
"""Which node kinds each edge kind may connect (source kinds, target kinds); checked by `validate`."""


def entity_field_id(entity_type: str, entity_id: str, field: str) -> str:
    """The one spelling of an entity-field node id: ``SETTLEMENT:<id>.level`` (type upper-cased)."""
    return f"{entity_type.upper()}:{entity_id}.{field}"


def entity_field(entity_type: str, entity_id: str, field: str) -> NodeRef:
    return NodeRef(NodeKind.ENTITY_FIELD, entity_field_id(entity_type, entity_id, field))


def split_entity_field_id(node_id: str) -> tuple[str, str, str] | None:
    """``(TYPE, entity id, field)`` of an entity-field id, or ``None`` if it is not one."""
    entity_type, sep, rest = node_id.partition(":")
    entity_id, dot, field = rest.partition(".")
    if not (sep and dot and entity_type and entity_id and field):
        return None
    return entity_type, entity_id, field


@dataclass(frozen=True, slots=True)
class Cycle:
    """A strongly connected set of nodes; ``path`` is one closed walk through it (first repeated last)."""

    members: tuple[NodeRef, ...]
    path: tuple[NodeRef, ...]

    def __str__(self) -> str:
        return " -> ".join(str(node) for node in self.path)


@dataclass(frozen=True, slots=True)
class EvaluationOrder:
    order: tuple[NodeRef, ...]
    cycles: tuple[Cycle, ...]


@dataclass(frozen=True, slots=True)
class ValidationReport:
    cycles: tuple[Cycle, ...]
    dangling: tuple[tuple[Edge, NodeRef], ...]
    """Edges with an endpoint that is not a declared node, and that endpoint."""
    invalid_edges: tuple[tuple[Edge, str], ...]

    @property
    def ok(self) -> bool:
        return not (self.cycles or self.dangling or self.invalid_edges)


_Adjacency = dict[NodeRef, dict[NodeRef, None]]


class DependencyGraph:
    """Nodes, edges, dirty flags and the algorithms over them for one (campaign, branch).

    Edges may name nodes that were never declared (a condition reading a deleted variable): they
    still carry invalidation, and `validate` reports them as dangling references.
    """

    def __init__(self, campaign_id: str, branch_id: str) -> None:
        self.campaign_id = campaign_id
        self.branch_id = branch_id
        self._declared: dict[NodeRef, None] = {}
        self._edges: dict[Edge, None] = {}
        self._down: _Adjacency = {}
        self._up: _Adjacency = {}
        self._entity_fields: dict[tuple[str, str], dict[NodeRef, None]] = {}
        self._dirty: set[NodeRef] = set()
        self._order: EvaluationOrder | None = None

    # -- building -----------------------------------------------------------------------------

    @classmethod
    def build(
        cls, campaign_id: str, branch_id: str, nodes: Iterable[NodeRef], edges: Iterable[Edge]
    ) -> DependencyGraph:
        graph = cls(campaign_id, branch_id)
        for node in nodes:
            graph.add_node(node)
        for edge in edges:
            graph.add_edge(edge)
        return graph

    def add_node(self, node: NodeRef) -> None:
        if node in self._declared:
            return
        self._declared[node] = None
        self._touch(node)
        self._order = None

    def remove_node(self, node: NodeRef) -> None:
        """Forget a node and every edge that touches it."""
        for edge in [e for e in self._edges if node in (e.source, e.target)]:
            self.remove_edge(edge)
        self._declared.pop(node, None)
        self._dirty.discard(node)
        self._forget_if_isolated(node)
        self._order = None

    def add_edge(self, edge: Edge) -> None:
        if edge in self._edges:
            return
        self._edges[edge] = None
        up, down = edge.upstream, edge.downstream
        self._touch(up)
        self._touch(down)
        self._down[up][down] = None
        self._up[down][up] = None
        self._order = None

    def remove_edge(self, edge: Edge) -> None:
        if edge not in self._edges:
            return
        del self._edges[edge]
        up, down = edge.upstream, edge.downstream
        if not self._flows_otherwise(up, down):
            del self._down[up][down]
            del self._up[down][up]
        self._forget_if_isolated(up)
        self._forget_if_isolated(down)
        self._order = None

    def replace_reads(self, condition: NodeRef, targets: Iterable[NodeRef]) -> None:
        """Set what ``condition`` reads (the usual edit when a condition's expression changes)."""
        wanted = {Edge(condition, target, EdgeKind.READS): None for target in targets}
        current = [Edge(condition, up, EdgeKind.READS) for up in self._up.get(condition, {})]
        for edge in current:
            if edge not in wanted:
                self.remove_edge(edge)
        for edge in wanted:
            self.add_edge(edge)

    def _touch(self, node: NodeRef) -> None:
        if node not in self._down:
            self._down[node] = {}
            self._up[node] = {}
            if node.kind is NodeKind.ENTITY_FIELD:
                parts = split_entity_field_id(node.id)
                if parts is not None:
                    self._entity_fields.setdefault((parts[0], parts[1]), {})[node] = None

    def _forget_if_isolated(self, node: NodeRef) -> None:
        if node in self._declared or self._down.get(node) or self._up.get(node):
            return
        self._down.pop(node, None)
        self._up.pop(node, None)
        self._dirty.discard(node)
        parts = split_entity_field_id(node.id) if node.kind is NodeKind.ENTITY_FIELD else None
        if parts is not None:
            fields = self._entity_fields.get((parts[0], parts[1]))
            if fields is not None:
                fields.pop(node, None)
                if not fields:
                    del self._entity_fields[(parts[0], parts[1])]

    def _flows_otherwise(self, up: NodeRef, down: NodeRef) -> bool:
        """Whether another edge still carries a change from ``up`` to ``down``."""
        for kind in EdgeKind:
            candidate = Edge(down, up, kind) if kind is EdgeKind.READS else Edge(up, down, kind)
            if candidate in self._edges:
                return True
        return False

    # -- reading ------------------------------------------------------------------------------

    @property
    def nodes(self) -> list[NodeRef]:
        """Declared nodes in declaration order."""
        return list(self._declared)

    @property
    def edges(self) -> list[Edge]:
        return list(self._edges)

    def __contains__(self, node: object) -> bool:
        """Whether ``node`` is known (declared, or named by an edge)."""
        return node in self._down

    def is_declared(self, node: NodeRef) -> bool:
        return node in self._declared

    def __len__(self) -> int:
        return len(self._down)

    @property
    def edge_count(self) -> int:
        return len(self._edges)

    def downstream_of(self, node: NodeRef) -> list[NodeRef]:
        """Nodes a change of ``node`` directly makes stale."""
        return list(self._down.get(node, {}))

    def upstream_of(self, node: NodeRef) -> list[NodeRef]:
        """Nodes ``node`` directly depends on."""
        return list(self._up.get(node, {}))

    def entity_fields(self, entity_type: str, entity_id: str, fields: Iterable[str] = ()) -> list[NodeRef]:
        """The known entity-field nodes of one entity (all of them, or the named ``fields``)."""
        known = self._entity_fields.get((entity_type.upper(), entity_id), {})
        names = list(fields)
        if not names:
            return list(known)
        wanted = (entity_field(entity_type, entity_id, name) for name in names)
        return [node for node in wanted if node in known]

    # -- invalidation -------------------------------------------------------------------------

    def reachable(self, sources: Iterable[NodeRef]) -> set[NodeRef]:
        """``sources`` and every node downstream of them (iterative DFS over flow edges)."""
        down = self._down
        seen: set[NodeRef] = set()
        stack: list[NodeRef] = []
        for source in sources:
            if source not in seen:
                seen.add(source)
                stack.append(source)
        while stack:
            successors = down.get(stack.pop())
            if successors:
                for node in successors:
                    if node not in seen:
                        seen.add(node)
                        stack.append(node)
        return seen

    def invalidate(self, changed: Iterable[NodeRef]) -> set[NodeRef]:
        """Mark the changed nodes and everything downstream dirty; returns that set.

        Only the downstream closure is touched, so the cost follows the edit, not the graph.
        """
        stale = {node for node in self.reachable(changed) if node in self._down}
        self._dirty |= stale
        return stale

    def invalidate_all(self) -> int:
        """Mark every node dirty (facts may have changed without us hearing which)."""
        self._dirty = set(self._down)
        return len(self._dirty)

    def mark_clean(self, nodes: Iterable[NodeRef]) -> None:
        """Record that ``nodes`` were re-evaluated."""
        self._dirty.difference_update(nodes)

    def is_dirty(self, node: NodeRef) -> bool:
        return node in self._dirty

    @property
    def dirty(self) -> frozenset[NodeRef]:
        return frozenset(self._dirty)

    # -- structure ----------------------------------------------------------------------------

    def _all_nodes(self) -> Iterator[NodeRef]:
        """Declared nodes first (declaration order), then nodes only edges name."""
        yield from self._declared
        for node in self._down:
            if node not in self._declared:
                yield node

    def strongly_connected_components(self) -> list[list[NodeRef]]:
        """Tarjan's algorithm without recursion; components come sinks first (reverse topological)."""
        down = self._down
        index: dict[NodeRef, int] = {}
        low: dict[NodeRef, int] = {}
        on_stack: set[NodeRef] = set()
        stack: list[NodeRef] = []
        components: list[list[NodeRef]] = []
        counter = 0
        for root in self._all_nodes():
            if root in index:
                continue
            index[root] = low[root] = counter
            counter += 1
            stack.append(root)
            on_stack.add(root)
            work: list[tuple[NodeRef, Iterator[NodeRef]]] = [(root, iter(down[root]))]
            while work:
                node, successors = work[-1]
                descended = False
                for succ in successors:
                    if succ not in index:
                        index[succ] = low[succ] = counter
                        counter += 1
                        stack.append(succ)
                        on_stack.add(succ)
                        work.append((succ, iter(down[succ])))
                        descended = True
                        break
                    if succ in on_stack and index[succ] < low[node]:
                        low[node] = index[succ]
                if descended:
                    continue
                work.pop()
                if work:
                    parent = work[-1][0]
                    if low[node] < low[parent]:
                        low[parent] = low[node]
                if low[node] == index[node]:
                    component: list[NodeRef] = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    components.append(component)
        return components

    def _is_cyclic(self, component: list[NodeRef]) -> bool:
        return len(component) > 1 or component[0] in self._down[component[0]]

    def _cycle(self, component: list[NodeRef], position: dict[NodeRef, int]) -> Cycle:
        members = tuple(sorted(component, key=position.__getitem__))
        return Cycle(members, self._closed_walk(members[0], set(component)))

    def _closed_walk(self, start: NodeRef, within: set[NodeRef]) -> tuple[NodeRef, ...]:
        """Shortest walk from ``start`` back to itself inside one component (BFS)."""
        down = self._down
        parent: dict[NodeRef, NodeRef] = {}
        queue: deque[NodeRef] = deque([start])
        while queue and start not in parent:
            node = queue.popleft()
            for succ in down[node]:
                if succ in within and succ not in parent:
                    parent[succ] = node
                    if succ == start:
                        break
                    queue.append(succ)
        path = [start]
        node = parent[start]
        while node != start:
            path.append(node)
            node = parent[node]
        path.append(start)
        path.reverse()
        return tuple(path)

    def cycles(self) -> tuple[Cycle, ...]:
        """Every cycle (strongly connected component with a loop), members named."""
        return self.evaluation_order().cycles

    def evaluation_order(self, only: Iterable[NodeRef] | None = None) -> EvaluationOrder:
        """Declared nodes, each after everything it depends on (Kahn over the condensation).

        Members of a cycle have no valid order and are left out (and reported); nodes downstream of
        a cycle are still ordered after everything else they depend on. ``only`` restricts the
        output to some nodes, keeping the full graph's order between them.
        """
        full = self._order
        if full is None:
            full = self._order = self._compute_order()
        if only is None:
            return full
        wanted = set(only)
        return EvaluationOrder(tuple(node for node in full.order if node in wanted), full.cycles)

    def _compute_order(self) -> EvaluationOrder:
        components = self.strongly_connected_components()
        position = {node: i for i, node in enumerate(self._all_nodes())}
        component_of: dict[NodeRef, int] = {}
        for number, component in enumerate(components):
            for node in component:
                component_of[node] = number
        successors: list[set[int]] = [set() for _ in components]
        indegree = [0] * len(components)
        for up, downs in self._down.items():
            cu = component_of[up]
            for down in downs:
                cd = component_of[down]
                if cd != cu and cd not in successors[cu]:
                    successors[cu].add(cd)
                    indegree[cd] += 1
        queue: deque[int] = deque()
        queued = [False] * len(components)
        for node in self._all_nodes():  # roots in declaration order
            number = component_of[node]
            if not indegree[number] and not queued[number]:
                queued[number] = True
                queue.append(number)
        order: list[NodeRef] = []
        cycles: list[Cycle] = []
        declared = self._declared
        while queue:
            number = queue.popleft()
            component = components[number]
            if self._is_cyclic(component):
                cycles.append(self._cycle(component, position))
            elif component[0] in declared:
                order.append(component[0])
            for succ in sorted(successors[number], key=lambda n: position[components[n][0]]):
                indegree[succ] -= 1
                if not indegree[succ]:
                    queue.append(succ)
        return EvaluationOrder(tuple(order), tuple(cycles))

    def validate(self) -> ValidationReport:
        """Cycles, edges naming undeclared nodes, and edges between kinds that cannot be connected."""
        dangling: list[tuple[Edge, NodeRef]] = []
        invalid: list[tuple[Edge, str]] = []
        for edge in self._edges:
            for end in (edge.source, edge.target):
                if end not in self._declared:
                    dangling.append((edge, end))
            sources, targets = EDGE_ENDPOINTS[edge.kind]
            if edge.source.kind not in sources:
                invalid.append((edge, f"{edge.kind} must start at {_names(sources)}"))
            elif edge.target.kind not in targets:
                invalid.append((edge, f"{edge.kind} must end at {_names(targets)}"))
        return ValidationReport(self.cycles(), tuple(dangling), tuple(invalid))


def _names(kinds: frozenset[NodeKind]) -> str:
    return " or ".join(sorted(kinds))
