"""Conditions of an entity → the values of its fields (``available``, ``visible``, computed names).

For each field the entity's ACTIVE conditions are taken by priority (highest first) and the first
non-null value wins; ``available`` and ``visible`` are true when no condition gives a value and
false when a condition failed without any giving a value (a broken rule never opens a door). All
conditions of the entity are evaluated in one batch, in the rules engine when a client is given
(cached there), otherwise — or when the engine cannot answer — locally with the same evaluator.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Final

from campaign_api.db.models import Branch
from campaign_api.domain.service import DomainService
from campaign_api.domain.store import EntityState
from campaign_api.rules.context import build_context
from campaign_api.rules.operators import install
from campaign_api.rules.relations import Owner
from campaign_api.rules_client import ConditionRequest, Evaluation, RulesEngineClient
from campaign_shared.grpc.evaluation import evaluate
from campaign_shared.jsonlogic import truthy
from campaign_shared.messages import EntityType

AVAILABLE: Final = "available"
VISIBLE: Final = "visible"
DEFAULTS: Final[dict[str, bool]] = {AVAILABLE: True, VISIBLE: True}
"""Fields every entity has, with their value when no condition decides them."""


@dataclass(frozen=True, slots=True)
class FieldResult:
    field: str
    value: Any
    trace: Any | None
    """With ``explain``: one entry per condition in priority order (id, priority, value, error, trace)."""
    source: str
    """``engine``, ``fallback`` (the API evaluated locally) or ``default`` (no condition)."""
    condition_ids: list[str]
    """The field's conditions in priority order."""
    cached: bool = False
    """Every condition was answered from the engine's result cache."""
    errors: list[str] = dataclasses.field(default_factory=list)
    """``<condition id>: <error type>: <message>`` of conditions that failed."""


async def active_conditions(
    svc: DomainService, branch: Branch, entity_type: EntityType, entity_id: uuid.UUID, at: int
) -> list[EntityState]:
    """The entity's active conditions as of (branch, at), highest priority first (ties by id)."""
    states = await svc.store.read_many(
        EntityType.CONDITION,
        branch,
        at,
        where=[
            lambda row: row.owner_type == entity_type.value,
            lambda row: row.owner_id == entity_id,
            lambda row: row.active.is_(True),
        ],
    )
    return sorted(states, key=lambda s: (-int(s.content.get("priority") or 0), str(s.entity_id)))


async def evaluate_fields(
    svc: DomainService,
    branch: Branch | uuid.UUID,
    entity_type: EntityType | str,
    entity_id: uuid.UUID,
    at: int | None = None,
    fields: str | Collection[str] | None = None,
    *,
    explain: bool = False,
    rules_client: RulesEngineClient | None = None,
) -> list[FieldResult]:
    """Values of the entity's fields as of (branch, at); ``fields`` narrows them (e.g. ``"available"``).

    Returns ``available`` and ``visible`` always (unless narrowed away), then computed fields by name.
    """
    install()
    row = branch if isinstance(branch, Branch) else await svc.store.branch(branch)
    etype = EntityType(entity_type)
    when = row.world_time if at is None else at
    wanted = {fields} if isinstance(fields, str) else set(fields) if fields is not None else None
    conditions = [
        c
        for c in await active_conditions(svc, row, etype, entity_id, when)
        if wanted is None or c.content["field"] in wanted
    ]
    expressions = [c.content["expression"] for c in conditions]
    answers: list[Evaluation] = []
    if conditions:
        context = await build_context(svc.store, row, when, Owner(etype, entity_id), expressions)
        requests = [
            ConditionRequest(
                campaign_id=str(row.campaign_id),
                branch_id=str(row.id),
                condition_id=str(c.entity_id),
                expression=expression,
                context=context.for_rule(index),
                explain=explain,
            )
            for index, (c, expression) in enumerate(zip(conditions, expressions, strict=True))
        ]
        answers = await _evaluate(requests, rules_client)
    by_field: dict[str, list[tuple[EntityState, Evaluation]]] = defaultdict(list)
    for condition, answer in zip(conditions, answers, strict=True):
        by_field[condition.content["field"]].append((condition, answer))
    names = [name for name in DEFAULTS if wanted is None or name in wanted]
    names += sorted(name for name in by_field if name not in DEFAULTS)
    return [_field_result(name, by_field.get(name, []), explain) for name in names]


async def _evaluate(requests: Sequence[ConditionRequest], client: RulesEngineClient | None) -> list[Evaluation]:
    if client is not None:
        return await client.evaluate_conditions(requests)
    results = []
    for item in requests:
        reply = evaluate(item.expression, item.context, explain=item.explain)
        results.append(
            Evaluation(
                ok=reply.ok,
                value=_json(reply.value_json) if reply.ok else None,
                trace=_json(reply.trace_json),
                error_type=reply.error.type if reply.error else None,
                error_message=reply.error.message if reply.error else None,
                duration_us=reply.duration_us,
                source="fallback",
                fallback_reason="local",
            )
        )
    return results


def _json(text: str) -> Any:
    return json.loads(text) if text else None


def _field_result(name: str, answers: list[tuple[EntityState, Evaluation]], explain: bool) -> FieldResult:
    if not answers:
        return FieldResult(name, DEFAULTS.get(name), None, "default", [])
    value: Any = None
    errors = []
    for condition, answer in answers:
        if not answer.ok:
            errors.append(f"{condition.entity_id}: {answer.error_type}: {answer.error_message}")
        elif answer.value is not None and value is None:
            value = answer.value
    if name in DEFAULTS:
        value = (not errors and DEFAULTS[name]) if value is None else truthy(value)
    trace = [_trace_entry(c, a) for c, a in answers] if explain else None
    return FieldResult(
        field=name,
        value=value,
        trace=trace,
        source="fallback" if any(a.source == "fallback" for _, a in answers) else "engine",
        condition_ids=[str(c.entity_id) for c, _ in answers],
        cached=all(a.cached for _, a in answers),
        errors=errors,
    )


def _trace_entry(condition: EntityState, answer: Evaluation) -> dict[str, Any]:
    return {
        "conditionId": str(condition.entity_id),
        "priority": condition.content.get("priority"),
        "ok": answer.ok,
        "value": answer.value,
        "error": None if answer.ok else {"type": answer.error_type, "message": answer.error_message},
        "trace": answer.trace,
    }
