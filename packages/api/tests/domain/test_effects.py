"""Effects and resolution against the real database: order, accumulation, rollback, gates, dry runs."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from campaign_api.db.models import AuditEntry, DeferredEffect, EffectExecution, EntityHead, EntityRecord, Settlement
from campaign_api.domain.resolution import resolve
from campaign_api.errors import Conflict, ValidationFailed
from campaign_shared.messages import EntityType as T


async def _create(uow: Any, actor: Any, etype: T, branch_id: Any, **fields: Any) -> Any:
    async with uow(actor) as svc:
        return await svc.create(etype, branch_id, fields)


async def _effect(uow: Any, actor: Any, branch_id: Any, owner: Any, target: Any, ops: list[Any], **extra: Any) -> Any:
    return await _create(
        uow,
        actor,
        T.EFFECT,
        branch_id,
        owner_type=owner.entity_type.value,
        owner_id=str(owner.entity_id),
        target_type=target.entity_type.value,
        target_id=str(target.entity_id),
        operations=ops,
        **extra,
    )


async def _counts(uow: Any, campaign_id: Any) -> dict[str, int]:
    async with uow() as svc:
        s = svc.session
        return {
            "audit": await s.scalar(
                select(func.count()).select_from(AuditEntry).where(AuditEntry.campaign_id == campaign_id)
            ),
            "executions": await s.scalar(
                select(func.count()).select_from(EffectExecution).where(EffectExecution.campaign_id == campaign_id)
            ),
            "settlement_versions": await s.scalar(
                select(func.count()).select_from(Settlement).where(Settlement.campaign_id == campaign_id)
            ),
            "deferred": await s.scalar(
                select(func.count()).select_from(DeferredEffect).where(DeferredEffect.campaign_id == campaign_id)
            ),
            "heads": await s.scalar(
                select(func.coalesce(func.sum(EntityHead.version), 0))
                .join(EntityRecord, EntityRecord.id == EntityHead.entity_id)
                .where(EntityRecord.campaign_id == campaign_id)
            ),
        }


TREASURY = [{"name": "treasury", "type": "number"}]


async def _world(uow: Any, campaign: Any) -> tuple[Any, Any, Any, Any]:
    """(campaign, main, actor, settlement) with a treasury variable."""
    c, main, actor = campaign
    settlement = await _create(
        uow,
        actor,
        T.SETTLEMENT,
        main.id,
        name="Brindle",
        level=1,
        population=100,
        variable_schemas=TREASURY,
        variables={"treasury": 50},
    )
    return c, main, actor, settlement


async def test_effects_run_in_phase_then_priority_order_and_accumulate(uow: Any, campaign: Any) -> None:
    c, main, actor, town = await _world(uow, campaign)
    event = await _create(uow, actor, T.EVENT, main.id, name="Harvest festival")
    # created in an order that differs from the run order on purpose
    post = await _effect(
        uow,
        actor,
        main.id,
        event,
        town,
        [{"op": "test", "path": "/population", "value": 220}, {"op": "replace", "path": "/population", "value": 230}],
        timing="POST",
    )
    low = await _effect(
        uow,
        actor,
        main.id,
        event,
        town,
        [{"op": "test", "path": "/population", "value": 110}, {"op": "replace", "path": "/population", "value": 220}],
        timing="ON_RESOLVE",
        priority=1,
    )
    high = await _effect(
        uow,
        actor,
        main.id,
        event,
        town,
        [
            {"op": "test", "path": "/population", "value": 100},
            {"op": "replace", "path": "/population", "value": 110},
            {"op": "replace", "path": "/variables/treasury", "value": 75},
        ],
        timing="ON_RESOLVE",
        priority=10,
    )
    # PRE runs before the event's own status change, POST after it: both can test the event's status
    pre = await _effect(
        uow,
        actor,
        main.id,
        event,
        event,
        [
            {"op": "test", "path": "/status", "value": "PLANNED"},
            {"op": "replace", "path": "/description", "value": "begun"},
        ],
        timing="PRE",
        priority=-5,
    )
    after = await _effect(
        uow,
        actor,
        main.id,
        event,
        event,
        [{"op": "test", "path": "/status", "value": "COMPLETED"}, {"op": "add", "path": "/gm_notes", "value": "done"}],
        timing="POST",
        priority=5,
    )
    async with uow(actor) as svc:
        result = await resolve(svc, T.EVENT, event.entity_id, main.id)
    assert result.status == "COMPLETED"
    assert [e.effect_id for e in result.executions] == [
        pre.entity_id,
        high.entity_id,
        low.entity_id,
        after.entity_id,
        post.entity_id,
    ]
    assert all(e.success for e in result.executions)
    assert result.executions[1].diff == [
        {"op": "replace", "path": "/population", "value": 110},
        {"op": "replace", "path": "/variables/treasury", "value": 75},
    ] or sorted(op["path"] for op in result.executions[1].diff) == ["/population", "/variables/treasury"]
    async with uow(actor) as svc:
        branch = await svc.store.branch(main.id)
        now = await svc.store.read(T.SETTLEMENT, town.entity_id, branch)
        ev = await svc.store.read(T.EVENT, event.entity_id, branch)
        history = await svc.history(T.SETTLEMENT, town.entity_id, main.id)
        executions = list(
            await svc.session.scalars(
                select(EffectExecution).where(EffectExecution.campaign_id == c.id).order_by(EffectExecution.id)
            )
        )
        audit = list(
            await svc.session.scalars(
                select(AuditEntry.operation).where(AuditEntry.entity_id == town.entity_id).order_by(AuditEntry.id)
            )
        )
    # the TARGET changed (not the event), cumulatively, one version per effect
    assert now.content["population"] == 230 and now.content["variables"]["treasury"] == 75
    assert [v.content["population"] for v in history] == [100, 110, 220, 230]
    assert audit == ["CREATE", "EFFECT", "EFFECT", "EFFECT"]
    assert ev.content["status"] == "COMPLETED" and ev.content["occurred_at"] == main.world_time
    assert ev.content["description"] == "begun" and ev.content["gm_notes"] == "done"
    assert [x.effect_id for x in executions] == [e.effect_id for e in result.executions]
    assert all(x.success and not x.dry_run and x.executed_by == actor for x in executions)


async def test_a_failing_effect_rolls_back_the_whole_resolution(uow: Any, campaign: Any) -> None:
    c, main, actor, town = await _world(uow, campaign)
    event = await _create(uow, actor, T.EVENT, main.id, name="Flood")
    await _effect(uow, actor, main.id, event, town, [{"op": "replace", "path": "/population", "value": 80}], priority=9)
    bad = await _effect(
        uow, actor, main.id, event, town, [{"op": "test", "path": "/population", "value": 12345}], priority=1
    )
    before = await _counts(uow, c.id)
    with pytest.raises(ValidationFailed) as err:
        async with uow(actor) as svc:
            await resolve(svc, T.EVENT, event.entity_id, main.id)
    assert str(bad.entity_id) in err.value.message and "test" in err.value.message
    assert err.value.details["effectId"] == str(bad.entity_id)
    assert await _counts(uow, c.id) == before  # no version, no audit row, no execution row
    async with uow(actor) as svc:
        branch = await svc.store.branch(main.id)
        assert (await svc.store.read(T.SETTLEMENT, town.entity_id, branch)).content["population"] == 100
        assert (await svc.store.read(T.EVENT, event.entity_id, branch)).content["status"] == "PLANNED"


@pytest.mark.parametrize(
    ("ops", "reason"),
    [
        ([{"op": "replace", "path": "/population", "value": -5}], "population"),  # fails validation
        ([{"op": "remove", "path": "/variables/nope"}], "path"),  # missing path
        ([{"op": "replace", "path": "/variables/treasury", "value": "lots"}], "treasury"),  # typed variable
    ],
)
async def test_invalid_patched_state_fails_the_effect(uow: Any, campaign: Any, ops: Any, reason: str) -> None:
    _, main, actor, town = await _world(uow, campaign)
    event = await _create(uow, actor, T.EVENT, main.id, name="Odd omen")
    await _effect(uow, actor, main.id, event, town, ops)
    with pytest.raises(ValidationFailed) as err:
        async with uow(actor) as svc:
            await resolve(svc, T.EVENT, event.entity_id, main.id)
    assert err.value.details["reason"] == "EFFECT_FAILED"
    assert reason in err.value.message


@pytest.mark.parametrize("path", ["/id", "/settlement_id", "/branch_id", "/version", "/valid_from", "/entity_id"])
async def test_protected_paths_are_refused_when_the_effect_is_created(uow: Any, campaign: Any, path: str) -> None:
    _, main, actor = campaign
    town = await _create(uow, actor, T.SETTLEMENT, main.id, name="Brindle")
    hall = await _create(
        uow, actor, T.STRUCTURE, main.id, name="Hall", settlement_id=str(town.entity_id), structure_type="hall"
    )
    event = await _create(uow, actor, T.EVENT, main.id, name="Coup")
    with pytest.raises(ValidationFailed) as err:
        await _effect(uow, actor, main.id, event, hall, [{"op": "replace", "path": path, "value": str(uuid.uuid4())}])
    assert err.value.details.get("reason") == "PROTECTED_PATH" or "not a field" in err.value.message


async def test_dry_run_returns_diffs_and_writes_nothing(uow: Any, campaign: Any) -> None:
    c, main, actor, town = await _world(uow, campaign)
    event = await _create(uow, actor, T.EVENT, main.id, name="Tax day")
    await _effect(
        uow, actor, main.id, event, town, [{"op": "replace", "path": "/variables/treasury", "value": 90}], priority=2
    )
    await _effect(
        uow, actor, main.id, event, town, [{"op": "replace", "path": "/population", "value": 101}], priority=1
    )
    await _effect(
        uow, actor, main.id, event, town, [{"op": "replace", "path": "/level", "value": 2}], delay_seconds=86400
    )
    before = await _counts(uow, c.id)
    async with uow(actor) as svc:
        preview = await resolve(svc, T.EVENT, event.entity_id, main.id, dry_run=True)
        assert svc.outbox == []
    assert preview.dry_run and preview.status == "COMPLETED"
    assert await _counts(uow, c.id) == before
    async with uow(actor) as svc:
        branch = await svc.store.branch(main.id)
        assert (await svc.store.read(T.EVENT, event.entity_id, branch)).content["status"] == "PLANNED"
    async with uow(actor) as svc:
        real = await resolve(svc, T.EVENT, event.entity_id, main.id)
    # the preview is exactly what the real resolution did
    assert [(e.effect_id, e.diff, e.deferred_until) for e in preview.executions] == [
        (e.effect_id, e.diff, e.deferred_until) for e in real.executions
    ]
    assert preview.executions[-1].deferred_until == main.world_time + 86400
    after = await _counts(uow, c.id)
    assert after["executions"] == before["executions"] + 2 and after["deferred"] == before["deferred"] + 1


async def test_dry_run_reports_a_failing_effect(uow: Any, campaign: Any) -> None:
    _, main, actor, town = await _world(uow, campaign)
    event = await _create(uow, actor, T.EVENT, main.id, name="Bad plan")
    bad = await _effect(uow, actor, main.id, event, town, [{"op": "test", "path": "/name", "value": "Elsewhere"}])
    async with uow(actor) as svc:
        preview = await resolve(svc, T.EVENT, event.entity_id, main.id, dry_run=True)
    assert preview.status == "FAILED"
    assert preview.executions[-1].effect_id == bad.entity_id and not preview.executions[-1].success
    assert preview.executions[-1].error


async def test_prerequisites_blocks_availability_and_double_resolution(uow: Any, campaign: Any) -> None:
    _, main, actor = campaign
    first = await _create(uow, actor, T.EVENT, main.id, name="Find the map")
    second = await _create(uow, actor, T.ENCOUNTER, main.id, name="Open the vault")
    rival = await _create(uow, actor, T.EVENT, main.id, name="Rivals get there first")
    prereq = await _create(
        uow,
        actor,
        T.LINK,
        main.id,
        source_type="EVENT",
        source_id=str(first.entity_id),
        target_type="ENCOUNTER",
        target_id=str(second.entity_id),
        kind="PREREQUISITE",
    )
    await _create(
        uow,
        actor,
        T.LINK,
        main.id,
        source_type="EVENT",
        source_id=str(rival.entity_id),
        target_type="ENCOUNTER",
        target_id=str(second.entity_id),
        kind="BLOCKS",
    )
    with pytest.raises(ValidationFailed) as err:
        async with uow(actor) as svc:
            await resolve(svc, T.ENCOUNTER, second.entity_id, main.id)
    assert err.value.details["reason"] == "PREREQUISITE_UNRESOLVED"
    assert "Find the map" in err.value.message
    assert err.value.details["links"][0]["linkId"] == str(prereq.entity_id)

    async with uow(actor) as svc:
        await resolve(svc, T.EVENT, first.entity_id, main.id)
    # an `available` condition that is false refuses too
    cond = await _create(
        uow,
        actor,
        T.CONDITION,
        main.id,
        owner_type="ENCOUNTER",
        owner_id=str(second.entity_id),
        field="available",
        expression={"==": [1, 2]},
    )
    with pytest.raises(ValidationFailed) as err:
        async with uow(actor) as svc:
            await resolve(svc, T.ENCOUNTER, second.entity_id, main.id)
    assert err.value.details["reason"] == "UNAVAILABLE"
    assert err.value.details["conditionIds"] == [str(cond.entity_id)]
    async with uow(actor) as svc:
        await svc.update(T.CONDITION, cond.entity_id, main.id, {"expression": {"==": [1, 1]}}, expected_version=None)

    async with uow(actor) as svc:
        await resolve(svc, T.EVENT, rival.entity_id, main.id)
    with pytest.raises(Conflict) as err:
        async with uow(actor) as svc:
            await resolve(svc, T.ENCOUNTER, second.entity_id, main.id)
    assert err.value.details["reason"] == "BLOCKED" and "Rivals get there first" in err.value.message

    with pytest.raises(Conflict) as err:
        async with uow(actor) as svc:
            await resolve(svc, T.EVENT, first.entity_id, main.id)
    assert err.value.details["reason"] == "ALREADY_RESOLVED"
