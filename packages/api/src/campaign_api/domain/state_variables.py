"""State variables of a scope, with derived ones computed by the shared JSON Logic evaluator.

A derived variable's formula sees the scope's other variables under `var` (e.g. `{"var": "var.gold"}`)
plus any extra context; formulas may read other derived variables, evaluated in dependency order,
and a cycle is an error naming its members.
"""

from __future__ import annotations

import uuid
from typing import Any

from campaign_api.db.models import Branch
from campaign_api.domain.store import VersionStore
from campaign_api.errors import ValidationFailed
from campaign_shared import jsonlogic
from campaign_shared.messages import EntityType


def _reads(formula: Any) -> set[str]:
    """Names of `var.<name>` the formula reads (static analysis of var/val operands)."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for op, args in node.items():
                if op in {"var", "val"}:
                    first = args[0] if isinstance(args, list) and args else args
                    if isinstance(first, str) and first.startswith("var."):
                        found.add(first.split(".", 2)[1])
                    elif isinstance(first, list) and len(first) >= 2 and first[0] == "var":
                        found.add(str(first[1]))
                walk(args)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(formula)
    return found


def evaluate(variables: dict[str, dict[str, Any]], context: dict[str, Any] | None = None) -> dict[str, Any]:
    """Values of every variable; `variables` maps key → {"var_type", "value", "formula"}."""
    values = {k: v["value"] for k, v in variables.items() if v["var_type"] != "DERIVED"}
    derived = {k: v["formula"] for k, v in variables.items() if v["var_type"] == "DERIVED"}
    state: dict[str, int] = {}  # 1 = visiting, 2 = done

    def visit(key: str, path: list[str]) -> None:
        if state.get(key) == 2:
            return
        if state.get(key) == 1:
            cycle = [*path[path.index(key) :], key]
            raise ValidationFailed(
                f"derived variables form a cycle: {' -> '.join(cycle)}",
                details={"cycle": cycle, "field": "formula"},
            )
        state[key] = 1
        for dependency in sorted(_reads(derived[key]) & derived.keys()):
            visit(dependency, [*path, key])
        data = {**(context or {}), "var": dict(values)}
        try:
            values[key] = jsonlogic.compile(derived[key])(data)
        except jsonlogic.JsonLogicError as exc:
            raise ValidationFailed(
                f"formula of {key!r} failed: {exc}",
                details={"field": "formula", "key": key, "errorType": str(exc.type)},
            ) from None
        state[key] = 2

    for key in sorted(derived):
        visit(key, [])
    return values


async def scope_values(
    store: VersionStore,
    branch: Branch,
    scope: str,
    scope_id: uuid.UUID | None,
    at: int | None = None,
    context: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """All variables of one scope as of (branch, at), derived ones computed."""
    states = await store.read_many(
        EntityType.STATE_VARIABLE,
        branch,
        at,
        where=[
            lambda row: row.scope == scope,
            lambda row: row.scope_id.is_(None) if scope_id is None else row.scope_id == scope_id,
        ],
    )
    return evaluate({s.content["key"]: s.content for s in states}, context)
