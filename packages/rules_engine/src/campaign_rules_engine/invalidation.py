"""Turns a `RulesInvalidation` message into dropped cache entries and dirty graph nodes.

With a retained graph for the (campaign, branch), only the conditions downstream of the changed
node lose their cached results (a variable edit leaves unrelated conditions cached). Without one,
or when the change names nothing the graph knows, the whole branch is dropped: coarse but never
stale. Messages without a branch apply to every branch of the campaign.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from campaign_rules_engine.cache import ResultCache
from campaign_rules_engine.graph import DependencyGraph, NodeKind, NodeRef
from campaign_rules_engine.graph_store import GraphStore
from campaign_shared.messages import EntityType, RulesInvalidation

NODE_KIND_OF: dict[EntityType, NodeKind] = {
    EntityType.STATE_VARIABLE: NodeKind.VARIABLE,
    EntityType.CONDITION: NodeKind.CONDITION,
    EntityType.EFFECT: NodeKind.EFFECT,
    EntityType.EVENT: NodeKind.EVENT,
    EntityType.ENCOUNTER: NodeKind.ENCOUNTER,
}
"""Entity types that are graph nodes themselves; every type may also own ENTITY_FIELD nodes."""


@dataclass(frozen=True, slots=True)
class InvalidationOutcome:
    dropped: int  # cached results removed
    dirtied: int  # graph nodes marked dirty
    targeted: bool  # only the downstream conditions were dropped (a retained graph knew the change)


class Invalidator:
    def __init__(self, cache: ResultCache[Any], graphs: GraphStore) -> None:
        self.cache = cache
        self.graphs = graphs

    def apply(self, message: RulesInvalidation) -> InvalidationOutcome:
        campaign = message.campaign_id
        if message.branch_id is not None:
            return self._apply_branch(campaign, message.branch_id, message)
        branches = set(self.cache.branches(campaign))
        branches.update(graph.branch_id for graph in self.graphs.of_campaign(campaign))
        outcomes = [self._apply_branch(campaign, branch, message) for branch in sorted(branches)]
        return InvalidationOutcome(
            dropped=sum(o.dropped for o in outcomes),
            dirtied=sum(o.dirtied for o in outcomes),
            targeted=bool(outcomes) and all(o.targeted for o in outcomes),
        )

    def _apply_branch(self, campaign: str, branch: str, message: RulesInvalidation) -> InvalidationOutcome:
        graph = self.graphs.peek(campaign, branch)
        changed = changed_nodes(graph, message) if graph is not None else []
        if graph is not None and changed:
            stale = graph.invalidate(changed)
            conditions = [node.id for node in stale if node.kind is NodeKind.CONDITION]
            dropped = self.cache.invalidate(campaign, branch, conditions)
            return InvalidationOutcome(dropped, len(stale), targeted=True)
        if message.entity_type is EntityType.CONDITION and message.entity_id:
            # an edited condition only changes its own results; dependants see it through their facts
            dropped = self.cache.invalidate(campaign, branch, [message.entity_id])
            dirtied = len(graph.invalidate([NodeRef(NodeKind.CONDITION, message.entity_id)])) if graph else 0
            return InvalidationOutcome(dropped, dirtied, targeted=True)
        dropped = self.cache.invalidate(campaign, branch)
        dirtied = graph.invalidate_all() if graph is not None else 0
        return InvalidationOutcome(dropped, dirtied, targeted=False)


def changed_nodes(graph: DependencyGraph, message: RulesInvalidation) -> list[NodeRef]:
    """The graph nodes a message names: the entity's own node and its (named) field nodes."""
    if message.entity_type is None or not message.entity_id:
        return []
    nodes: list[NodeRef] = []
    kind = NODE_KIND_OF.get(message.entity_type)
    if kind is not None:
        nodes.append(NodeRef(kind, message.entity_id))
    nodes.extend(graph.entity_fields(message.entity_type.value, message.entity_id, message.fields))
    return [node for node in nodes if node in graph]
