"""Field-level diffs and three-way merges of entity states.

States are JSON objects. Nested objects are compared key by key; arrays and scalars are atomic; `null`
is a value like any other (a field set to null differs from a field that is absent). Paths are JSON
Pointers (RFC 6901), e.g. `/variables/gold`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ABSENT: Any = object()  # a key that does not exist (distinct from null)


def escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def join(path: str, key: str) -> str:
    return f"{path}/{escape(key)}"


def split(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise ValueError(f"not a JSON Pointer: {path!r}")
    return [unescape(t) for t in path[1:].split("/")]


def get_path(doc: Any, path: str) -> Any:
    node = doc
    for token in split(path):
        if not isinstance(node, dict) or token not in node:
            return ABSENT
        node = node[token]
    return node


def set_path(doc: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of `doc` with `value` at `path` (ABSENT removes the key); parents are created as needed."""
    tokens = split(path)
    if not tokens:
        raise ValueError("cannot replace the whole document")
    root = dict(doc)
    node = root
    for token in tokens[:-1]:
        child = node.get(token)
        child = dict(child) if isinstance(child, dict) else {}
        node[token] = child
        node = child
    if value is ABSENT:
        node.pop(tokens[-1], None)
    else:
        node[tokens[-1]] = value
    return root


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):  # True must not equal 1
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def same(a: Any, b: Any) -> bool:
    return _same(a, b)


@dataclass(frozen=True, slots=True)
class Change:
    path: str
    before: Any  # ABSENT when added
    after: Any  # ABSENT when removed

    def as_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "before": None if self.before is ABSENT else self.before,
            "after": None if self.after is ABSENT else self.after,
            "op": "add" if self.before is ABSENT else "remove" if self.after is ABSENT else "replace",
        }


def diff(before: dict[str, Any], after: dict[str, Any], path: str = "") -> list[Change]:
    """Leaf changes from `before` to `after` (objects recurse; everything else is atomic)."""
    changes: list[Change] = []
    for key in sorted(before.keys() | after.keys()):
        b, a = before.get(key, ABSENT), after.get(key, ABSENT)
        sub = join(path, key)
        if isinstance(b, dict) and isinstance(a, dict):
            changes.extend(diff(b, a, sub))
        elif b is ABSENT or a is ABSENT or not _same(a, b):
            changes.append(Change(sub, b, a))
    return changes


@dataclass(frozen=True, slots=True)
class Conflict:
    path: str
    base: Any
    ours: Any
    theirs: Any


@dataclass(frozen=True, slots=True)
class MergeOutcome:
    merged: dict[str, Any]
    applied: list[Change]  # changes taken from theirs
    conflicts: list[Conflict]


def merge3(base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any]) -> MergeOutcome:
    """Three-way merge: theirs' changes apply unless ours changed the same path differently."""
    merged = dict(ours)
    applied: list[Change] = []
    conflicts: list[Conflict] = []
    for change in diff(base, theirs):
        mine = get_path(ours, change.path)
        if _same_or_absent(mine, change.before):
            merged = set_path(merged, change.path, change.after)
            applied.append(Change(change.path, mine, change.after))
        elif _same_or_absent(mine, change.after):
            continue  # both made the same change
        elif isinstance(mine, dict) and isinstance(change.after, dict):
            # an object added on both sides: merge it key by key
            inner = merge3(change.before if isinstance(change.before, dict) else {}, mine, change.after)
            merged = set_path(merged, change.path, inner.merged)
            conflicts.extend(inner.conflicts)
        else:
            conflicts.append(Conflict(change.path, change.before, mine, change.after))
    return MergeOutcome(merged, applied, conflicts)


def _same_or_absent(a: Any, b: Any) -> bool:
    if a is ABSENT or b is ABSENT:
        return a is ABSENT and b is ABSENT
    return _same(a, b)


def plain(value: Any) -> Any:
    """ABSENT as null, for JSON output."""
    return None if value is ABSENT else value
