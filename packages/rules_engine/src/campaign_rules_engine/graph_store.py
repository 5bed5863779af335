"""The dependency graphs the engine keeps, one per (campaign, branch), bounded.

Graphs arrive inline (`GetEvaluationOrder` with ``retain``) until the engine can load them from
the database; keeping them lets invalidation messages mark downstream nodes dirty and drop only the
cached results of conditions that actually depend on a change. The bound keeps a busy engine from
holding every campaign ever seen: the least recently used graph goes first, and a missing graph
only makes invalidation coarser (the whole branch), never wrong.
"""

from __future__ import annotations

from collections import OrderedDict

from campaign_rules_engine.graph import DependencyGraph

DEFAULT_MAX_GRAPHS = 256


class GraphStore:
    def __init__(self, max_graphs: int = DEFAULT_MAX_GRAPHS) -> None:
        if max_graphs < 1:
            raise ValueError("max_graphs must be at least 1")
        self.max_graphs = max_graphs
        self._graphs: OrderedDict[tuple[str, str], DependencyGraph] = OrderedDict()

    def get(self, campaign_id: str, branch_id: str) -> DependencyGraph | None:
        """The retained graph (now most recently used), or ``None``."""
        key = (campaign_id, branch_id)
        graph = self._graphs.get(key)
        if graph is not None:
            self._graphs.move_to_end(key)
        return graph

    def peek(self, campaign_id: str, branch_id: str) -> DependencyGraph | None:
        """Like `get` without touching the LRU order (hot path of every evaluation)."""
        return self._graphs.get((campaign_id, branch_id))

    def put(self, graph: DependencyGraph) -> None:
        """Retain ``graph`` for its (campaign, branch); nodes dirty in the one it replaces stay dirty."""
        key = (graph.campaign_id, graph.branch_id)
        previous = self._graphs.pop(key, None)
        if previous is not None:
            graph.invalidate(node for node in previous.dirty if node in graph)
        self._graphs[key] = graph
        while len(self._graphs) > self.max_graphs:
            self._graphs.popitem(last=False)

    def of_campaign(self, campaign_id: str) -> list[DependencyGraph]:
        return [graph for (campaign, _), graph in self._graphs.items() if campaign == campaign_id]

    def all(self) -> list[DependencyGraph]:
        return list(self._graphs.values())

    def __len__(self) -> int:
        return len(self._graphs)
