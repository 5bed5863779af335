"""What several rules read together, the ids only known once the context exists, and each rule's slice.

The context builder analyses every condition of an entity once (``campaign_shared.rule_analysis``),
fetches the union of what they read, and sends each condition only the part of the context it reads:
the engine's cache key hashes those facts, so an unrelated change (another variable, the world clock)
leaves a condition's cached result usable.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Final

from campaign_shared import jsonlogic
from campaign_shared.rule_analysis import (
    SPATIAL_OPERATORS,
    EntityRead,
    Path,
    RuleReads,
    SpatialRead,
)
from campaign_shared.rules_operators import ENTITY, FACTS

FACT_OPERATORS: Final = frozenset({"entity", "resolved"}) | SPATIAL_OPERATORS
"""Domain operators whose arguments name database facts (the time operators need only the clock)."""


def needs_everything(reads: RuleReads) -> bool:
    """The rule's reads are not all known before evaluation: it gets the whole context."""
    return reads.dynamic or () in reads.paths or bool(reads.unknown_operators)


@dataclass(frozen=True, slots=True)
class CombinedReads:
    """The union of several rules' reads: what the context builder fetches."""

    paths: frozenset[Path] = frozenset()
    entities: frozenset[EntityRead] = frozenset()
    resolved: frozenset[str] = frozenset()
    spatial: frozenset[SpatialRead] = frozenset()
    everything: bool = False
    """Some rule needs the whole context: build every section."""

    @property
    def namespaces(self) -> frozenset[str]:
        return frozenset(path[0] for path in self.paths if path)

    def wants(self, namespace: str) -> bool:
        return self.everything or namespace in self.namespaces

    def reads_path(self, *path: str) -> bool:
        """Whether ``path`` (or all of its first segment) is read."""
        return self.everything or path in self.paths or path[:1] in self.paths

    def with_facts(
        self, entities: Iterable[EntityRead], resolved: Iterable[str], spatial: Iterable[SpatialRead]
    ) -> CombinedReads:
        return CombinedReads(
            self.paths,
            self.entities | frozenset(entities),
            self.resolved | frozenset(resolved),
            self.spatial | frozenset(spatial),
            self.everything,
        )


def combine(reads: Iterable[RuleReads]) -> CombinedReads:
    paths: set[Path] = set()
    entities: set[EntityRead] = set()
    resolved: set[str] = set()
    spatial: set[SpatialRead] = set()
    everything = False
    for item in reads:
        paths |= item.paths
        entities |= item.entity_fields
        resolved |= item.resolved
        spatial |= item.spatial
        everything |= needs_everything(item)
    return CombinedReads(frozenset(paths), frozenset(entities), frozenset(resolved), frozenset(spatial), everything)


# -- ids computed from the context -----------------------------------------------------------------


def _calls(rule: Any) -> Iterator[tuple[str, list[Any]]]:
    """Every fact-operator call whose arguments are not all constants."""
    stack = [rule]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict) and len(node) == 1:
            ((op, raw),) = node.items()
            args = raw if isinstance(raw, list) else [raw]
            if op in FACT_OPERATORS and any(isinstance(arg, dict | list) for arg in args):
                yield op, args
            stack.extend(args)


def computed_facts(rules: Iterable[Any], data: Any) -> tuple[set[EntityRead], set[str], set[SpatialRead]]:
    """Facts named by arguments that are expressions (``{"var": "event.location_id"}``), evaluated on ``data``.

    Best effort and pure: an argument that fails, or depends on an iterator's item, names nothing
    (the operator then sees ``null``). One round only: ids computed from computed facts are not chased.
    """
    entities: set[EntityRead] = set()
    resolved: set[str] = set()
    spatial: set[SpatialRead] = set()
    for rule in rules:
        for op, args in _calls(rule):
            values = [value for arg in args if (value := _value(arg, data)) is not None]
            if len(values) != len(args):
                continue
            if op == "entity" and len(values) == 3:
                entities.add(EntityRead(values[0].upper(), values[1], values[2]))
            elif op == "resolved" and len(values) == 1:
                resolved.add(values[0])
            elif op in SPATIAL_OPERATORS and len(values) == 2:
                spatial.add(SpatialRead(op, values[0], values[1]))
    return entities, resolved, spatial


def _value(arg: Any, data: Any) -> str | None:
    try:
        value = jsonlogic.apply(arg, data) if isinstance(arg, dict | list) else arg
    except jsonlogic.JsonLogicError:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        return None
    return str(value)


# -- the slice of the context one rule reads -------------------------------------------------------


def _copy_path(source: dict[str, Any], target: dict[str, Any], path: Path) -> None:
    """Copy ``path`` from ``source`` into ``target``; a non-object on the way is copied whole."""
    node: Any = source
    out = target
    for index, key in enumerate(path):
        if not isinstance(node, dict) or key not in node:
            return
        value = node[key]
        last = index == len(path) - 1
        if last or not isinstance(value, dict):
            out[key] = value
            return
        existing = out.get(key)
        if not isinstance(existing, dict):
            existing = out[key] = {}
        elif existing is value:
            return  # already copied whole
        node, out = value, existing


def view(data: dict[str, Any], reads: RuleReads) -> dict[str, Any]:
    """The part of ``data`` a rule reads: its context paths, its entity fields and its facts.

    A rule whose reads are not all known (computed paths or ids, unknown operators, the whole
    context) gets everything.
    """
    if needs_everything(reads):
        return data
    out: dict[str, Any] = {}
    for path in sorted(reads.paths, key=len):
        _copy_path(data, out, path)
    if reads.uses_world_time:
        _copy_path(data, out, ("world", "time"))
        _copy_path(data, out, ("world", "calendar"))
    for read in reads.entity_fields:
        _copy_path(data, out, (ENTITY, read.entity_type, read.entity_id, read.field.split(".")[0]))
    for ident in reads.resolved:
        _copy_path(data, out, (FACTS, "resolved", ident))
    for fact in reads.spatial:
        _copy_path(data, out, (FACTS, fact.operator, fact.first, fact.second))
        if fact.operator == "distance":
            _copy_path(data, out, (FACTS, fact.operator, fact.second, fact.first))
    return out
