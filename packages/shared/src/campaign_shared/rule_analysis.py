"""What a JSON Logic rule reads, found before evaluation (SPEC §5: facts are fetched in one batch).

Pure and shared: the API's context builder uses it to fetch every fact a condition needs in one
query batch (so evaluation stays pure and synchronous), the API's graph builder and the rules engine
turn the same reads into ``READS`` edges. The walk mirrors the evaluator's scoping: inside iterator
bodies and ``try`` fallbacks ``var`` reads the current item, not the context, while ``val`` can climb
back to the root (each scope is two frames: item, then iteration metadata).

The analysis is conservative: whatever cannot be known without evaluating (a computed path, an
entity id taken from the context) sets ``dynamic``, so a caller knows to fetch more broadly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from campaign_shared.jsonlogic.operators import BUILTIN_NAMES
from campaign_shared.jsonlogic.operators.access import normalize_key, split_var_path

Path = tuple[str, ...]
"""A context path as keys (``("party", "level")``); ``()`` is the whole context."""

TIME_OPERATORS: Final = frozenset({"daysSince", "hoursSince", "monthsSince"})
SPATIAL_OPERATORS: Final = frozenset({"inside", "distance"})
DOMAIN_OPERATORS: Final = frozenset({"entity", "resolved"}) | TIME_OPERATORS | SPATIAL_OPERATORS
"""The SPEC §5 domain operators this analysis understands."""

WORLD_TIME: Final[Path] = ("world", "time")
_ITERATORS: Final = frozenset({"map", "filter", "all", "some", "none"})


def entity_field_id(entity_type: str, entity_id: str, field: str) -> str:
    """The one spelling of an entity-field node id: ``SETTLEMENT:<id>.level`` (type upper-cased)."""
    return f"{entity_type.upper()}:{entity_id}.{field}"


@dataclass(frozen=True, slots=True)
class EntityRead:
    """``{"entity": [type, id, field]}`` with constant arguments."""

    entity_type: str  # upper case, as `campaign_shared.messages.EntityType` spells it
    entity_id: str
    field: str

    @property
    def node_id(self) -> str:
        """Its dependency-graph node id (``SETTLEMENT:<id>.level``)."""
        return entity_field_id(self.entity_type, self.entity_id, self.field)


@dataclass(frozen=True, slots=True)
class SpatialRead:
    """``inside(location, region)`` or ``distance(a, b)`` with constant ids."""

    operator: str
    first: str
    second: str


@dataclass(frozen=True, slots=True)
class RuleReads:
    paths: frozenset[Path] = frozenset()
    """Context paths read from the root (``world.time`` included when a time operator is used)."""
    entity_fields: frozenset[EntityRead] = frozenset()
    resolved: frozenset[str] = frozenset()
    """Event or encounter ids given to ``resolved``."""
    spatial: frozenset[SpatialRead] = frozenset()
    uses_world_time: bool = False
    dynamic: bool = False
    """Some read is only known at evaluation time (computed path or id): fetch more broadly."""
    operators: frozenset[str] = frozenset()
    unknown_operators: frozenset[str] = frozenset()
    """Neither built in nor a SPEC domain operator: the analysis cannot say what they read."""

    @property
    def dotted_paths(self) -> frozenset[str]:
        return frozenset(".".join(path) for path in self.paths)

    @property
    def namespaces(self) -> frozenset[str]:
        """First path segments (``party``, ``settlement``, ``var`` ...): which context sections to build."""
        return frozenset(path[0] for path in self.paths if path)


@dataclass(slots=True)
class _Collector:
    paths: set[Path] = field(default_factory=set)
    entities: set[EntityRead] = field(default_factory=set)
    resolved: set[str] = field(default_factory=set)
    spatial: set[SpatialRead] = field(default_factory=set)
    operators: set[str] = field(default_factory=set)
    uses_world_time: bool = False
    dynamic: bool = False

    def result(self) -> RuleReads:
        known = BUILTIN_NAMES | DOMAIN_OPERATORS
        return RuleReads(
            paths=frozenset(self.paths),
            entity_fields=frozenset(self.entities),
            resolved=frozenset(self.resolved),
            spatial=frozenset(self.spatial),
            uses_world_time=self.uses_world_time,
            dynamic=self.dynamic,
            operators=frozenset(self.operators),
            unknown_operators=frozenset(op for op in self.operators if op not in known),
        )


def analyse(rule: Any) -> RuleReads:
    """Everything ``rule`` reads from its context and from the domain (no evaluation, no I/O)."""
    found = _Collector()
    stack: list[tuple[Any, int]] = [(rule, 0)]  # (sub-expression, iterator scope depth)
    while stack:
        node, depth = stack.pop()
        if node.__class__ is list:
            stack.extend((item, depth) for item in node)
        elif node.__class__ is dict and len(node) == 1:
            ((op, args),) = node.items()
            found.operators.add(op)
            _operator(found, stack, op, args, depth)
    return found.result()


def _literal(value: Any) -> bool:
    """No operator anywhere inside (the evaluator would treat it as a constant)."""
    if value.__class__ is dict:
        return len(value) != 1
    if value.__class__ is list:
        return all(_literal(item) for item in value)
    return True


def _args(raw: Any) -> list[Any]:
    return raw if raw.__class__ is list else [raw]  # type: ignore[no-any-return]


def _keys(keys: Iterable[Any]) -> Path:
    return tuple(str(normalize_key(key)) for key in keys)


def _operator(found: _Collector, stack: list[tuple[Any, int]], op: str, raw: Any, depth: int) -> None:
    if op == "preserve":
        return
    if op == "var":
        _var(found, stack, raw, depth)
    elif op in ("val", "exists"):
        _val(found, stack, raw, depth, climbs=op == "val")
    elif op in ("missing", "missing_some"):
        _missing(found, stack, op, raw, depth)
    elif op in _ITERATORS or op == "reduce":
        args = _args(raw)
        stack.extend((arg, depth + 1 if index == 1 else depth) for index, arg in enumerate(args))
    elif op == "try":
        stack.extend((arg, depth + 1 if index else depth) for index, arg in enumerate(_args(raw)))
    elif op in DOMAIN_OPERATORS:
        _domain(found, stack, op, raw, depth)
    else:
        stack.append((raw, depth))


def _var(found: _Collector, stack: list[tuple[Any, int]], raw: Any, depth: int) -> None:
    args = raw if raw.__class__ is list else [raw]
    path = args[0] if args else None
    stack.extend((arg, depth) for arg in args[1:2])  # the default
    if not _literal(path):
        stack.append((path, depth))
        found.dynamic |= depth == 0
    elif depth == 0:
        found.paths.add(_keys(split_var_path(path)))


def _val(found: _Collector, stack: list[tuple[Any, int]], raw: Any, depth: int, *, climbs: bool) -> None:
    if not _literal(raw):
        stack.append((raw, depth))
        found.dynamic |= climbs or depth == 0
        return
    levels, keys = 0, raw
    if raw.__class__ is not list:
        keys = [] if raw is None else [raw]
    elif raw and raw[0].__class__ is list:
        marker = raw[0]
        levels = abs(int(marker[0])) if marker and marker[0].__class__ in (int, float) else 0
        keys = raw[1:]
    if not climbs:
        levels = 0
    if levels >= 2 * depth:  # climbing past every scope frame lands on the root
        found.paths.add(_keys(keys))


def _missing(found: _Collector, stack: list[tuple[Any, int]], op: str, raw: Any, depth: int) -> None:
    args = _args(raw)
    names_raw: Any = args[1] if op == "missing_some" and len(args) > 1 else args
    if op == "missing_some":
        stack.append((args[0], depth))
    if not _literal(names_raw):
        stack.append((names_raw, depth))
        found.dynamic |= depth == 0
        return
    names = _args(names_raw)
    if op == "missing" and names and names[0].__class__ is list:
        names = names[0]
    if depth == 0:
        found.paths.update(_keys(split_var_path(name)) for name in names)


def _domain(found: _Collector, stack: list[tuple[Any, int]], op: str, raw: Any, depth: int) -> None:
    args = _args(raw)
    stack.extend((arg, depth) for arg in args)
    if op in TIME_OPERATORS:
        found.uses_world_time = True
        found.paths.add(WORLD_TIME)
        return
    if not all(_literal(arg) and not isinstance(arg, list | dict) for arg in args):
        found.dynamic = True
        return
    values = [str(normalize_key(arg)) for arg in args]
    if op == "entity" and len(values) == 3:
        found.entities.add(EntityRead(values[0].upper(), values[1], values[2]))
    elif op == "resolved" and len(values) == 1:
        found.resolved.add(values[0])
    elif op in SPATIAL_OPERATORS and len(values) == 2:
        found.spatial.add(SpatialRead(op, values[0], values[1]))
    else:
        found.dynamic = True  # unexpected shape: the evaluator will reject it, fetch nothing special
