"""Effects: RFC 6902 JSON Patch operations applied to their TARGET entity's current state.

An effect belongs to an event or encounter (its owner) and patches another entity (its target). Effects
of one owner run in a fixed order — phase (PRE, then the owner's own status change, ON_RESOLVE, POST),
then priority (highest first), then id — and each one reads the target as left by the previous one, so
their changes accumulate. Every write goes through `DomainService.update` (validation, a new version,
an audit row, a message after commit) in the caller's transaction, at the caller's world time, and each
applied effect leaves an `EffectExecution` row (before → after diff as JSON Patch).

A failing effect (a `test` operation that does not hold, a missing path, a patched state that does not
validate, a target that does not exist) raises `EffectFailed`, a `ValidationFailed` naming the effect;
the caller's transaction then rolls back as a whole.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import jsonpatch
import jsonpointer

from campaign_api.db.models import Branch, EffectExecution
from campaign_api.domain.registry import SPECS
from campaign_api.domain.service import DomainService
from campaign_api.domain.store import EntityState
from campaign_api.domain.validation import validate_operations
from campaign_api.errors import AppError, ValidationFailed
from campaign_shared.messages import EntityType

#: order of the phases of a resolution; ON_EXPIRE runs on its own when an event expires
PHASES = ("PRE", "ON_RESOLVE", "POST")
PHASE_RANK = {"PRE": 0, "ON_RESOLVE": 1, "POST": 2, "ON_EXPIRE": 3}
#: owners an effect can have
OWNER_TYPES = frozenset({EntityType.EVENT.value, EntityType.ENCOUNTER.value})


@dataclass
class EffectOutcome:
    """What one effect did (or would do, in a dry run)."""

    effect_id: uuid.UUID
    timing: str
    priority: int
    target_type: str
    target_id: uuid.UUID
    world_time: int
    success: bool
    diff: list[dict[str, Any]] | None = None  # RFC 6902 operations from the target's before to its after
    error: str | None = None
    deferred_until: int | None = None  # set for a delayed effect: recorded, not applied now
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    version: int | None = None  # the target's version after the write
    details: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "effectId": str(self.effect_id),
            "timing": self.timing,
            "priority": self.priority,
            "targetType": self.target_type,
            "targetId": str(self.target_id),
            "worldTime": self.world_time,
            "success": self.success,
            "diff": self.diff,
            "error": self.error,
            "deferredUntil": self.deferred_until,
            "version": self.version,
        }


class EffectFailed(ValidationFailed):
    """An effect could not be applied; the whole resolution (or due-work unit) must roll back."""

    def __init__(self, outcome: EffectOutcome, reason: str, details: dict[str, Any] | None = None) -> None:
        message = (
            f"effect {outcome.effect_id} ({outcome.timing}, target {outcome.target_type} {outcome.target_id}) "
            f"failed: {reason}"
        )
        super().__init__(
            message,
            details={
                "reason": "EFFECT_FAILED",
                "effectId": str(outcome.effect_id),
                "timing": outcome.timing,
                "targetType": outcome.target_type,
                "targetId": str(outcome.target_id),
                "cause": reason,
                **(details or {}),
            },
        )
        outcome.success = False
        outcome.error = reason
        self.outcome = outcome


def order_key(effect: EntityState) -> tuple[int, int, str]:
    """Phase, then priority (highest first), then id: the one order effects run in."""
    content = effect.content
    return (
        PHASE_RANK.get(content.get("timing") or "ON_RESOLVE", 9),
        -int(content.get("priority") or 0),
        str(effect.entity_id),
    )


def is_deferred(effect: EntityState) -> bool:
    delay = effect.content.get("delay_seconds")
    return isinstance(delay, int) and delay > 0


async def owned_effects(
    svc: DomainService,
    branch: Branch,
    owner_type: str,
    owner_ids: Sequence[uuid.UUID],
    at: int,
    timings: Iterable[str],
) -> list[EntityState]:
    """Active effects of the owners with one of `timings`, as of (branch, at), in run order."""
    if not owner_ids:
        return []
    wanted = list(timings)
    ids = list(owner_ids)
    effects = await svc.store.read_many(
        EntityType.EFFECT,
        branch,
        at,
        where=[
            lambda row: row.owner_type == owner_type,
            lambda row: row.owner_id.in_(ids),
            lambda row: row.active.is_(True),
            lambda row: row.timing.in_(wanted),
        ],
    )
    return sorted(effects, key=order_key)


def _outcome(effect: EntityState, at: int) -> EffectOutcome:
    content = effect.content
    return EffectOutcome(
        effect_id=effect.entity_id,
        timing=content.get("timing") or "ON_RESOLVE",
        priority=int(content.get("priority") or 0),
        target_type=str(content.get("target_type")),
        target_id=uuid.UUID(str(content.get("target_id"))),
        world_time=at,
        success=False,
    )


def patch_document(document: dict[str, Any], operations: list[dict[str, Any]]) -> dict[str, Any]:
    """Apply RFC 6902 operations to a copy of `document` (raises jsonpatch/jsonpointer errors)."""
    result: dict[str, Any] = jsonpatch.apply_patch(copy.deepcopy(document), operations, in_place=False)
    return result


def _patch_error(exc: Exception) -> str:
    if isinstance(exc, jsonpatch.JsonPatchTestFailed):
        return f"a test operation did not hold ({exc})"
    if isinstance(exc, jsonpatch.JsonPatchConflict | jsonpointer.JsonPointerException):
        return f"a path does not exist in the target ({exc})"
    return f"invalid patch ({exc})"


async def apply_effect(
    svc: DomainService,
    branch: Branch,
    effect: EntityState,
    at: int,
    *,
    record: bool = True,
    latest_at: int | None = None,
) -> EffectOutcome:
    """Patch the effect's target as of (branch, at) and write the result at `at`.

    `record=False` leaves out the execution row (dry runs). With `latest_at` (due work catching up to a
    world time), the target is read as of `latest_at` and written at `max(at, that version's start)`, so
    a version written between `at` and `latest_at` can never hide the change. Raises `EffectFailed`.
    """
    outcome = _outcome(effect, at)
    operations = effect.content.get("operations")
    try:
        target_spec = SPECS[EntityType(outcome.target_type)]
    except (KeyError, ValueError):
        raise EffectFailed(outcome, f"target type {outcome.target_type} cannot be patched") from None
    try:  # re-checked at run time: protected paths are never patched, whatever is stored
        validate_operations(operations, target_spec)
    except ValidationFailed as exc:
        raise EffectFailed(outcome, exc.message, {"validation": exc.details}) from None
    target = await svc.store.read(target_spec.type, outcome.target_id, branch, at if latest_at is None else latest_at)
    if target is not None and latest_at is not None:
        at = max(at, target.valid_from)
        outcome.world_time = at
    if target is None:
        raise EffectFailed(outcome, f"the target {outcome.target_type.lower()} does not exist at this world time")
    before = target.content
    try:
        patched = patch_document(before, list(operations or []))
    except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException) as exc:
        raise EffectFailed(outcome, _patch_error(exc)) from None
    changed = {key: patched.get(key) for key in set(before) | set(patched) if before.get(key) != patched.get(key)}
    outcome.before = before
    if changed:
        try:
            state = await svc.update(
                target_spec.type,
                outcome.target_id,
                branch.id,
                changed,
                expected_version=None,
                at=at,
                operation="EFFECT",
            )
        except AppError as exc:
            raise EffectFailed(outcome, exc.message, {"validation": exc.details}) from None
        outcome.after = state.content
        outcome.version = state.version
    else:
        outcome.after = before
        outcome.version = target.version
    outcome.diff = jsonpatch.make_patch(before, outcome.after).patch
    outcome.success = True
    if record:
        record_execution(svc, branch, outcome, dry_run=False)
    return outcome


def record_execution(svc: DomainService, branch: Branch, outcome: EffectOutcome, *, dry_run: bool) -> None:
    """Add the execution-log row of an outcome to the session (committed with the caller's unit)."""
    svc.session.add(
        EffectExecution(
            campaign_id=branch.campaign_id,
            branch_id=branch.id,
            effect_id=outcome.effect_id,
            target_type=outcome.target_type,
            target_id=outcome.target_id,
            world_time=outcome.world_time,
            executed_by=svc.actor_id,
            diff=outcome.diff,
            success=outcome.success,
            error=outcome.error,
            dry_run=dry_run,
        )
    )


async def apply_effects(
    svc: DomainService,
    branch: Branch,
    effects: Sequence[EntityState],
    at: int,
    *,
    record: bool = True,
) -> list[EffectOutcome]:
    """Apply effects one after the other in run order (each sees the previous one's result)."""
    return [await apply_effect(svc, branch, effect, at, record=record) for effect in sorted(effects, key=order_key)]
