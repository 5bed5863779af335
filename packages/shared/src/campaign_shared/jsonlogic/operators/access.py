"""Data access: ``var``, ``val``, ``exists``, ``missing``, ``missing_some``.

Paths are split once at compile time. The hot path is a chain of subscripts inside one
``try`` (free when nothing is missing); anything unusual (list indices given as strings,
absent keys, non-container values) falls back to :func:`lookup`, which is total.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from campaign_shared.jsonlogic.coercion import to_js_string, to_number
from campaign_shared.jsonlogic.errors import InvalidArgumentsError, JsonLogicError
from campaign_shared.jsonlogic.nodes import Evaluator, Frame, Node

if TYPE_CHECKING:
    from campaign_shared.jsonlogic.compiler import Builder, Compiler

Key = str | int
MISSING: Final = object()
"""Sentinel for "no such path" (distinct from a present ``null``)."""

_LOOKUP_ERRORS = (KeyError, TypeError, IndexError)


def normalize_key(key: Any) -> Key:
    """A path segment as a dict key or list index (JSON numbers index arrays)."""
    cls = key.__class__
    if cls is str or cls is int:
        return key  # type: ignore[no-any-return]
    if cls is float and key.is_integer():
        return int(key)
    return to_js_string(key)


def split_var_path(path: Any) -> tuple[Key, ...]:
    """``var`` paths: dotted strings, numbers; ``""``/``null`` mean the whole data."""
    if path is None or path == "" or path == []:
        return ()
    key = normalize_key(path)
    if key.__class__ is int:
        return (key,)
    return tuple(str(key).split("."))


def lookup(data: Any, keys: tuple[Key, ...]) -> Any:
    """Follow ``keys`` through dicts and lists; :data:`MISSING` when any step is absent."""
    for key in keys:
        cls = data.__class__
        if cls is dict:
            data = data.get(key if key.__class__ is str else str(key), MISSING)
            if data is MISSING:
                return MISSING
        elif cls is list:
            if key.__class__ is int:
                index: int = key  # type: ignore[assignment]
            elif key.isascii() and key.isdigit():  # type: ignore[union-attr]
                index = int(key)
            else:
                return MISSING
            if index < 0 or index >= len(data):
                return MISSING
            data = data[index]
        else:
            return MISSING
    return data


def _fast_keys(keys: tuple[Key, ...]) -> bool:
    """Whether plain dict subscripts are the likely hit path (no array indices in the path)."""
    return all(key.__class__ is str and not key.isdigit() for key in keys)


def make_getter(keys: tuple[Key, ...], default: Node | None) -> Evaluator:
    """Closure reading ``keys`` from data; ``default`` (or ``null``) when the path is absent."""
    if not keys:

        def whole(data: Any) -> Any:
            return data

        return whole
    if default is not None and default.is_const and default.value is None:
        default = None
    if default is not None or not _fast_keys(keys):
        return _probing_getter(keys, default)

    def slow(data: Any) -> Any:
        value = lookup(data, keys)
        return None if value is MISSING else value

    return _subscripts(keys, slow)


def _probing_getter(keys: tuple[Key, ...], default: Node | None) -> Evaluator:
    """Getter for paths that are expected to miss (a default is given) or index arrays.

    Exceptions make misses and string-indexed arrays expensive on the subscript path;
    this one pays a type check per step instead.
    """
    probe = make_probe(keys)
    if default is None or default.is_immutable_const:
        fallback = None if default is None else default.value

        def get_or_constant(data: Any) -> Any:
            value = probe(data)
            return fallback if value is MISSING else value

        return get_or_constant
    default_fn = default.fn

    def get_or_default(data: Any) -> Any:
        value = probe(data)
        return default_fn(data) if value is MISSING else value

    return get_or_default


def make_probe(keys: tuple[Key, ...]) -> Evaluator:
    """Closure returning the value at ``keys`` or :data:`MISSING` (for presence tests).

    Presence tests expect misses, which are expensive as exceptions, so this checks
    membership instead of relying on ``KeyError``.
    """
    if not keys:

        def whole(data: Any) -> Any:
            return data

        return whole
    if not _fast_keys(keys):

        def slow(data: Any) -> Any:
            return lookup(data, keys)

        return slow
    if len(keys) == 1:
        (k1,) = keys

        def probe1(data: Any) -> Any:
            if data.__class__ is dict:
                return data.get(k1, MISSING)
            return lookup(data, keys)

        return probe1
    if len(keys) == 2:
        k1, k2 = keys

        def probe2(data: Any) -> Any:
            if data.__class__ is dict:
                inner = data.get(k1, MISSING)
                if inner.__class__ is dict:
                    return inner.get(k2, MISSING)
                if inner is MISSING:
                    return MISSING
            return lookup(data, keys)

        return probe2

    def probe(data: Any) -> Any:
        value = data
        for index, key in enumerate(keys):
            if value.__class__ is not dict:
                return lookup(value, keys[index:])
            value = value.get(key, MISSING)
            if value is MISSING:
                return MISSING
        return value

    return probe


def _subscripts(keys: tuple[Key, ...], slow: Evaluator) -> Evaluator:
    """Chained subscripts in one ``try``; ``slow`` handles every miss and unusual container."""
    if not _fast_keys(keys):
        return slow
    if len(keys) == 1:
        (k1,) = keys

        def get1(data: Any) -> Any:
            try:
                return data[k1]
            except _LOOKUP_ERRORS:
                return slow(data)

        return get1
    if len(keys) == 2:
        k1, k2 = keys

        def get2(data: Any) -> Any:
            try:
                return data[k1][k2]
            except _LOOKUP_ERRORS:
                return slow(data)

        return get2
    if len(keys) == 3:
        k1, k2, k3 = keys

        def get3(data: Any) -> Any:
            try:
                return data[k1][k2][k3]
            except _LOOKUP_ERRORS:
                return slow(data)

        return get3

    def get_many(data: Any) -> Any:
        value = data
        try:
            for key in keys:
                value = value[key]
        except _LOOKUP_ERRORS:
            return slow(data)
        return value

    return get_many


def unwrap(fn: Evaluator) -> Evaluator:
    """Adapt a data-reading closure to the frame calling convention of scoped rules."""

    def framed(frame: Frame) -> Any:
        return fn(frame.value)

    return framed


def climb(frame: Frame, levels: int) -> Frame:
    """The frame ``levels`` scopes up (the root frame if the chain is shorter)."""
    for _ in range(levels):
        parent = frame.parent
        if parent is None:
            break
        frame = parent
    return frame


def _reads_data(c: Compiler, fn: Evaluator) -> Node:
    return Node.dynamic(unwrap(fn) if c.scoped else fn)


def _lookup_node(c: Compiler, keys: tuple[Key, ...], default: Node | None) -> Node:
    """A getter node; plain short dict paths also expose their keys for inlining by parents."""
    getter = make_getter(keys, default)
    if c.scoped:
        return Node.dynamic(unwrap(getter))
    inlinable = default is None and 1 <= len(keys) <= 2 and _fast_keys(keys)
    return Node(getter, keys=keys if inlinable else None)  # type: ignore[arg-type]


def build_var(c: Compiler, raw: Any) -> Node:
    """``{"var": path}`` / ``{"var": [path, default]}``: dotted lookup with an optional default."""
    if raw.__class__ is list:
        path = c.sub(raw[0]) if raw else Node.const(None)
        default = c.sub(raw[1]) if len(raw) > 1 else None
    else:
        path, default = c.sub(raw), None
    if path.is_const:
        if default is not None and default.is_const and default.value is None:
            default = None
        return _lookup_node(c, split_var_path(path.value), default)
    path_fn = path.fn
    default_fn = default.fn if default is not None else None
    scoped = c.scoped

    def dynamic_var(data: Any) -> Any:
        current = data.value if scoped else data
        value = lookup(current, split_var_path(path_fn(data)))
        if value is MISSING:
            return default_fn(data) if default_fn is not None else None
        return value

    return Node.dynamic(dynamic_var)


def _val_spec(spec: Any) -> tuple[int, tuple[Key, ...]]:
    """``val`` arguments as (levels to climb, keys); keys are never split on dots."""
    if spec is None:
        return 0, ()
    if spec.__class__ is not list:
        return 0, (normalize_key(spec),)
    levels = 0
    if spec and spec[0].__class__ is list:
        marker = spec[0]
        levels = abs(int(marker[0])) if marker and marker[0].__class__ in (int, float) else 0
        spec = spec[1:]
    return levels, tuple(normalize_key(key) for key in spec)


def build_val(c: Compiler, raw: Any) -> Node:
    """``{"val": key | [keys...] | [[level], keys...]}``: exact-key lookup, scope climbing."""
    spec = c.sub(raw)
    if spec.is_const:
        levels, keys = _val_spec(spec.value)
        if not levels:
            return _lookup_node(c, keys, None)
        getter = make_getter(keys, None)

        def climbing_val(frame: Frame) -> Any:
            return getter(climb(frame, levels).value)

        return Node.dynamic(climbing_val)
    spec_fn = spec.fn

    def dynamic_val(frame: Frame) -> Any:
        levels, keys = _val_spec(spec_fn(frame))
        value = lookup(climb(frame, levels).value, keys)
        return None if value is MISSING else value

    return Node.dynamic(dynamic_val)


def build_exists(c: Compiler, raw: Any) -> Node:
    """``{"exists": key | [keys...]}``: whether the path is present (a ``null`` value counts)."""
    spec = c.sub(raw)
    if spec.is_const:
        _, keys = _val_spec(spec.value)

        def exists(data: Any) -> bool:
            return lookup(data, keys) is not MISSING

        return Node(unwrap(exists) if c.scoped else exists, is_bool=True)
    spec_fn = spec.fn
    scoped = c.scoped

    def dynamic_exists(data: Any) -> bool:
        _, keys = _val_spec(spec_fn(data))
        return lookup(data.value if scoped else data, keys) is not MISSING

    return Node(dynamic_exists, is_bool=True)


def _is_missing(value: Any) -> bool:
    return value is MISSING or value is None or value == ""


def _names(values: list[Any]) -> list[Any]:
    """``missing`` takes either an array of names as its first argument, or names as arguments."""
    if values and values[0].__class__ is list:
        return values[0]  # type: ignore[no-any-return]
    return values


def _missing_of(data: Any, names: list[Any]) -> list[Any]:
    return [name for name in names if _is_missing(lookup(data, split_var_path(name)))]


def build_missing(c: Compiler, raw: Any) -> Node:
    """``{"missing": [names...]}``: the names whose ``var`` is absent, ``null`` or ``""``."""
    nodes = c.compile_all(c.loose(raw))
    if all(node.is_const for node in nodes):
        probes = _probes(_names([node.value for node in nodes]))

        def missing(data: Any) -> list[Any]:
            return [name for name, probe in probes if (value := probe(data)) is MISSING or value is None or value == ""]

        return _reads_data(c, missing)
    fns = [node.fn for node in nodes]
    scoped = c.scoped

    def dynamic_missing(data: Any) -> list[Any]:
        names = _names([fn(data) for fn in fns])
        return _missing_of(data.value if scoped else data, names)

    return Node.dynamic(dynamic_missing)


def _probes(names: list[Any]) -> tuple[tuple[Any, Evaluator], ...]:
    return tuple((name, make_probe(split_var_path(name))) for name in names)


def build_missing_some(c: Compiler, raw: Any) -> Node:
    """``{"missing_some": [need, names]}``: ``[]`` once ``need`` names are present, else the missing."""
    args = c.loose(raw)
    if len(args) < 2:
        raise InvalidArgumentsError("missing_some needs [minimum, [names...]]")
    need_node, names_node = c.sub(args[0]), c.sub(args[1])
    if need_node.is_const and names_node.is_const:
        try:
            need = to_number(need_node.value)
        except JsonLogicError as error:
            return Node.failing(error)
        names = names_node.value if names_node.value.__class__ is list else [names_node.value]
        probes = _probes(names)
        total = len(names)

        def missing_some_static(data: Any) -> list[Any]:
            absent = [
                name for name, probe in probes if (value := probe(data)) is MISSING or value is None or value == ""
            ]
            return [] if total - len(absent) >= need else absent

        return _reads_data(c, missing_some_static)
    need_fn, names_fn = need_node.fn, names_node.fn
    scoped = c.scoped

    def missing_some(data: Any) -> list[Any]:
        need = to_number(need_fn(data))
        names = names_fn(data)
        if names.__class__ is not list:
            names = [names]
        absent = _missing_of(data.value if scoped else data, names)
        return [] if len(names) - len(absent) >= need else absent

    return Node.dynamic(missing_some)


BUILDERS: dict[str, Builder] = {
    "var": build_var,
    "val": build_val,
    "exists": build_exists,
    "missing": build_missing,
    "missing_some": build_missing_some,
}
