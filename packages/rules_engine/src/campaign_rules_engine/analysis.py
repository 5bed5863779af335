"""What a JSON Logic rule reads: the shared analysis (``campaign_shared.rule_analysis``) plus graph nodes.

The walk itself lives in ``campaign_shared`` so the API's context and graph builders use the very same
code without depending on the engine; this module re-exports it and adds the conversions of reads into
this package's dependency-graph nodes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from campaign_rules_engine.graph import NodeKind, NodeRef
from campaign_shared import rule_analysis as _shared
from campaign_shared.rule_analysis import (
    DOMAIN_OPERATORS,
    SPATIAL_OPERATORS,
    TIME_OPERATORS,
    WORLD_TIME,
    EntityRead,
    Path,
    SpatialRead,
)

__all__ = [
    "DOMAIN_OPERATORS",
    "SPATIAL_OPERATORS",
    "TIME_OPERATORS",
    "WORLD_TIME",
    "EntityRead",
    "Path",
    "RuleReads",
    "SpatialRead",
    "analyse",
    "entity_node",
]


def entity_node(read: EntityRead) -> NodeRef:
    """The ``ENTITY_FIELD`` node of a constant ``entity`` lookup."""
    return NodeRef(NodeKind.ENTITY_FIELD, read.node_id)


@dataclasses.dataclass(frozen=True, slots=True)
class RuleReads(_shared.RuleReads):
    """The shared reads, with their graph nodes."""

    def entity_nodes(self) -> list[NodeRef]:
        """``ENTITY_FIELD`` graph nodes of the constant ``entity`` lookups."""
        return sorted(entity_node(read) for read in self.entity_fields)

    def occurrence_nodes(self, events: Iterable[str] = ()) -> list[NodeRef]:
        """Nodes of the ``resolved`` ids: an ``EVENT`` when ``events`` lists it, else an ``ENCOUNTER``.

        ``resolved`` takes either kind of id; the caller knows which ids are events.
        """
        event_ids = set(events)
        return sorted(
            NodeRef(NodeKind.EVENT if ident in event_ids else NodeKind.ENCOUNTER, ident) for ident in self.resolved
        )


def analyse(rule: Any) -> RuleReads:
    """Everything ``rule`` reads from its context and from the domain (no evaluation, no I/O)."""
    reads = _shared.analyse(rule)
    return RuleReads(**{f.name: getattr(reads, f.name) for f in dataclasses.fields(reads)})
