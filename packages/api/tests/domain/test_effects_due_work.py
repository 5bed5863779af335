"""Due work against the real database: expiration, deferred effects, growth, maintenance, exactly once."""

from __future__ import annotations

import asyncio
import math
from typing import Any

from sqlalchemy import func, select

from campaign_api.db.models import AuditEntry, DeferredEffect, EffectExecution, Settlement, Structure
from campaign_api.domain.due_work import process_due_work, simulate_to, watermarks
from campaign_api.domain.resolution import resolve
from campaign_shared.messages import EntityType as T

DAY = 86400
TREASURY = [{"name": "treasury", "type": "number"}]


class Rollback(Exception):
    """Raised to leave a unit of work without committing it."""


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


async def _advance(uow: Any, branch_id: Any, to: int, kinds: Any = None) -> Any:
    async with uow() as svc:
        await svc.advance_time(branch_id, to)
    async with uow() as svc:
        return await process_due_work(svc, branch_id, kinds=kinds)


async def _simulate(uow: Any, branch_id: Any, to: int) -> Any:
    """simulate_to in a unit of work that is rolled back, as the API does."""
    try:
        async with uow() as svc:
            report = await simulate_to(svc, branch_id, to)
            raise Rollback
    except Rollback:
        return report


async def _read(uow: Any, etype: T, entity_id: Any, branch_id: Any, at: int | None = None) -> Any:
    async with uow() as svc:
        branch = await svc.store.branch(branch_id)
        return await svc.store.read(etype, entity_id, branch, at)


async def _count(uow: Any, model: Any, *where: Any) -> int:
    async with uow() as svc:
        return int(await svc.session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def test_deferred_effect_fires_at_its_due_time_not_before_and_once(uow: Any, campaign: Any) -> None:
    _, main, actor = campaign
    town = await _create(
        uow, actor, T.SETTLEMENT, main.id, name="Brindle", variable_schemas=TREASURY, variables={"treasury": 10}
    )
    event = await _create(uow, actor, T.EVENT, main.id, name="Loan comes due")
    effect = await _effect(
        uow,
        actor,
        main.id,
        event,
        town,
        [{"op": "replace", "path": "/variables/treasury", "value": 500}],
        delay_seconds=3600,
    )
    async with uow(actor) as svc:
        result = await resolve(svc, T.EVENT, event.entity_id, main.id)
    assert result.executions[0].deferred_until == 1000 + 3600
    report = await _advance(uow, main.id, 4000)
    assert report.count("DEFERRED") == 0
    assert (await _read(uow, T.SETTLEMENT, town.entity_id, main.id)).content["variables"]["treasury"] == 10
    report = await _advance(uow, main.id, 9000)
    assert [(c.kind, c.world_time, c.effect_id) for c in report.changes] == [("DEFERRED", 4600, effect.entity_id)]
    assert (await _read(uow, T.SETTLEMENT, town.entity_id, main.id, 4599)).content["variables"]["treasury"] == 10
    assert (await _read(uow, T.SETTLEMENT, town.entity_id, main.id, 4600)).content["variables"]["treasury"] == 500
    # again, and further: nothing more
    async with uow() as svc:
        assert (await process_due_work(svc, main.id)).changes == []
    await _advance(uow, main.id, 20000)
    assert await _count(uow, Settlement, Settlement.entity_id == town.entity_id) == 2
    assert await _count(uow, EffectExecution, EffectExecution.effect_id == effect.entity_id) == 1
    async with uow() as svc:
        row = await svc.session.scalar(select(DeferredEffect).where(DeferredEffect.effect_id == effect.entity_id))
        assert (row.applied_at, row.outcome) == (4600, "APPLIED")


async def test_expiration_runs_on_expire_effects_only_and_only_in_its_branch(uow: Any, campaign: Any) -> None:
    _, main, actor = campaign
    town = await _create(uow, actor, T.SETTLEMENT, main.id, name="Brindle", population=100)
    event = await _create(uow, actor, T.EVENT, main.id, name="Envoy waits", expires_at=2000)
    keeper = await _create(uow, actor, T.EVENT, main.id, name="Later", expires_at=50_000)
    await _effect(
        uow, actor, main.id, event, town, [{"op": "replace", "path": "/population", "value": 90}], timing="ON_EXPIRE"
    )
    await _effect(uow, actor, main.id, event, town, [{"op": "replace", "path": "/population", "value": 999}])
    async with uow(actor) as svc:
        child = await svc.fork(main.id, "what-if")
    report = await _advance(uow, child.id, 3000)
    assert [(c.kind, c.operation, c.entity_id, c.world_time) for c in report.changes] == [
        ("EXPIRATION", "EXPIRE", event.entity_id, 2000),
        ("EXPIRATION", "EFFECT", town.entity_id, 2000),
    ]
    expired = await _read(uow, T.EVENT, event.entity_id, child.id)
    assert expired.content["status"] == "EXPIRED" and expired.valid_from == 2000
    assert (await _read(uow, T.EVENT, keeper.entity_id, child.id)).content["status"] == "PLANNED"
    assert (await _read(uow, T.SETTLEMENT, town.entity_id, child.id)).content["population"] == 90
    # the parent branch is untouched
    assert (await _read(uow, T.EVENT, event.entity_id, main.id, 3000)).content["status"] == "PLANNED"
    assert (await _read(uow, T.SETTLEMENT, town.entity_id, main.id, 3000)).content["population"] == 100
    async with uow() as svc:
        again = await process_due_work(svc, child.id)
        assert again.changes == [] and again.spans == {}
        marks = await watermarks(svc, child.id)
    assert marks == {"EXPIRATION": 3000, "DEFERRED": 3000, "GROWTH": 3000, "MAINTENANCE": 3000}
    assert await _count(uow, AuditEntry, AuditEntry.entity_id == event.entity_id, AuditEntry.operation == "EXPIRE") == 1


async def test_growth_and_maintenance_over_a_world_year(uow: Any, campaign: Any) -> None:
    _, main, actor = campaign  # world time 1000 = 1-01-01 00:16:40 (Gregorian)
    town = await _create(uow, actor, T.SETTLEMENT, main.id, name="Brindle", level=2, population=900)
    poor = await _create(
        uow,
        actor,
        T.SETTLEMENT,
        main.id,
        name="Mudhole",
        level=1,
        population=0,
        variable_schemas=TREASURY,
        variables={"treasury": 15},
    )
    shrine = await _create(
        uow, actor, T.STRUCTURE, main.id, name="Shrine", settlement_id=str(poor.entity_id), structure_type="temple"
    )
    end = 1000 + 365 * DAY  # past 1-12-31: twelve month starts, Feb 1 … Jan 1 of year 2
    report = await _advance(uow, main.id, end)
    days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    level, population = 2, 900
    for d in days:  # the level (and so the rate) can change month to month
        population = round(population * math.pow(1 + {2: 0.0009, 3: 0.0008}[level], d))
        if population >= 1000:
            level = 3
    grown = await _read(uow, T.SETTLEMENT, town.entity_id, main.id)
    assert (grown.content["population"], grown.content["level"]) == (population, 3)
    assert grown.valid_from == 365 * DAY  # booked at the last month start crossed: 2-01-01 00:00
    # maintenance: month 1 paid (15 -> 5), then unpaid: condition 100 -> 75 -> 50 -> 25 -> 0, not operational
    shrine_now = await _read(uow, T.STRUCTURE, shrine.entity_id, main.id)
    assert (shrine_now.content["condition"], shrine_now.content["operational"]) == (0, False)
    assert (await _read(uow, T.SETTLEMENT, poor.entity_id, main.id)).content["variables"]["treasury"] == 5
    kinds = {(c.kind, c.entity_id) for c in report.changes}
    assert ("GROWTH", town.entity_id) in kinds and ("MAINTENANCE", shrine.entity_id) in kinds
    # one version per entity for the span; a second pass changes nothing
    versions = await _count(uow, Structure, Structure.entity_id == shrine.entity_id)
    async with uow() as svc:
        assert (await process_due_work(svc, main.id)).changes == []
    assert await _count(uow, Structure, Structure.entity_id == shrine.entity_id) == versions == 2


async def test_growth_rules_are_data_driven_per_campaign(uow: Any, campaign: Any) -> None:
    c, main, actor = campaign
    town = await _create(uow, actor, T.SETTLEMENT, main.id, name="Brindle", level=1, population=1000)
    await _create(
        uow,
        actor,
        T.STATE_VARIABLE,
        main.id,
        scope="CAMPAIGN",
        scope_id=None,
        key="world_rules",
        var_type="JSON",
        value={"growth": {"ratePerDayByLevel": {"1": 0.0}, "levelThresholds": {"2": 100000}}},
    )
    await _advance(uow, main.id, 1000 + 62 * DAY)
    state = await _read(uow, T.SETTLEMENT, town.entity_id, main.id)
    assert (state.content["population"], state.content["level"]) == (1000, 1)


async def test_month_by_month_spans_give_the_same_result_as_one_span(uow: Any, campaign: Any) -> None:
    _, main, actor = campaign
    town = await _create(uow, actor, T.SETTLEMENT, main.id, name="Brindle", level=1, population=400)
    async with uow(actor) as svc:
        other = await svc.fork(main.id, "stepwise")
    await _advance(uow, main.id, 1000 + 200 * DAY)
    for step in range(1, 21):
        await _advance(uow, other.id, 1000 + step * 10 * DAY)
    one = await _read(uow, T.SETTLEMENT, town.entity_id, main.id)
    many = await _read(uow, T.SETTLEMENT, town.entity_id, other.id)
    assert one.content["population"] == many.content["population"] > 400


async def _scenario(uow: Any, campaign: Any) -> dict[str, Any]:
    _, main, actor = campaign
    town = await _create(
        uow,
        actor,
        T.SETTLEMENT,
        main.id,
        name="Brindle",
        level=2,
        population=800,
        variable_schemas=TREASURY,
        variables={"treasury": 30},
    )
    await _create(
        uow,
        actor,
        T.STRUCTURE,
        main.id,
        name="Mill",
        settlement_id=str(town.entity_id),
        structure_type="mill",
        level=2,
        variable_schemas=[{"name": "upkeep", "type": "number"}],
        variables={"upkeep": 100_000},
    )
    gone = await _create(uow, actor, T.EVENT, main.id, name="Caravan leaves", expires_at=1000 + 3 * DAY)
    await _effect(
        uow,
        actor,
        main.id,
        gone,
        town,
        [{"op": "replace", "path": "/variables/treasury", "value": 5}],
        timing="ON_EXPIRE",
    )
    await _effect(
        uow,
        actor,
        main.id,
        gone,
        town,
        [{"op": "replace", "path": "/name", "value": "Brindle (poor)"}],
        timing="ON_EXPIRE",
        delay_seconds=2 * DAY,
    )
    feast = await _create(uow, actor, T.EVENT, main.id, name="Feast")
    await _effect(
        uow, actor, main.id, feast, town, [{"op": "replace", "path": "/population", "value": 850}], delay_seconds=DAY
    )
    async with uow(actor) as svc:
        await resolve(svc, T.EVENT, feast.entity_id, main.id)
    return {"main": main, "town": town}


def _summary(changes: Any) -> list[Any]:
    return [(c.kind, c.operation, c.entity_type, c.entity_id, c.world_time, c.after) for c in changes]


async def test_simulate_to_equals_what_the_advance_then_does(uow: Any, campaign: Any) -> None:
    c, _, _ = campaign
    world = await _scenario(uow, campaign)
    main = world["main"]
    to = 1000 + 70 * DAY
    before = (
        await _count(uow, AuditEntry, AuditEntry.campaign_id == c.id),
        await _count(uow, Settlement, Settlement.campaign_id == c.id),
    )
    simulated = await _simulate(uow, main.id, to)
    assert before == (
        await _count(uow, AuditEntry, AuditEntry.campaign_id == c.id),
        await _count(uow, Settlement, Settlement.campaign_id == c.id),
    )
    assert (await _read(uow, T.SETTLEMENT, world["town"].entity_id, main.id)).content["population"] == 800
    real = await _advance(uow, main.id, to, kinds=["EXPIRATION"])  # whichever job runs first does it all
    assert _summary(simulated.changes) == _summary(real.changes)
    for kind in ("MAINTENANCE", "DEFERRED", "GROWTH"):
        async with uow() as svc:
            assert (await process_due_work(svc, main.id, kinds=[kind])).changes == []
    assert {c.kind for c in real.changes} == {"EXPIRATION", "DEFERRED", "GROWTH", "MAINTENANCE"}


async def test_two_processors_at_once_apply_each_change_once(uow: Any, campaign: Any) -> None:
    c, _, _ = campaign
    world = await _scenario(uow, campaign)
    main = world["main"]
    async with uow() as svc:
        await svc.advance_time(main.id, 1000 + 70 * DAY)

    async def run() -> Any:
        async with uow() as svc:
            return await process_due_work(svc, main.id)

    reports = await asyncio.gather(*(run() for _ in range(4)))
    assert sorted(len(r.changes) > 0 for r in reports) == [False, False, False, True]
    done = next(r for r in reports if r.changes)
    audit = await _count(
        uow,
        AuditEntry,
        AuditEntry.campaign_id == c.id,
        AuditEntry.operation.in_(["EXPIRE", "EFFECT", "GROWTH", "MAINTENANCE"]),
    )
    assert audit == len(done.changes)


async def test_a_failing_deferred_effect_is_logged_and_does_not_block_the_branch(uow: Any, campaign: Any) -> None:
    _, main, actor = campaign
    town = await _create(uow, actor, T.SETTLEMENT, main.id, name="Brindle", population=10)
    event = await _create(uow, actor, T.EVENT, main.id, name="Omen", expires_at=5000)
    bad = await _effect(
        uow, actor, main.id, event, town, [{"op": "test", "path": "/population", "value": 77}], delay_seconds=100
    )
    await _effect(
        uow, actor, main.id, event, town, [{"op": "replace", "path": "/population", "value": 11}], delay_seconds=200
    )
    async with uow(actor) as svc:
        await resolve(svc, T.EVENT, event.entity_id, main.id)
    report = await _advance(uow, main.id, 10_000)
    assert [(ch.effect_id == bad.entity_id, ch.success) for ch in report.changes] == [(True, False), (False, True)]
    assert (await _read(uow, T.SETTLEMENT, town.entity_id, main.id)).content["population"] == 11
    async with uow() as svc:
        row = await svc.session.scalar(select(DeferredEffect).where(DeferredEffect.effect_id == bad.entity_id))
        execution = await svc.session.scalar(select(EffectExecution).where(EffectExecution.effect_id == bad.entity_id))
        marks = await watermarks(svc, main.id)
    assert row.outcome == "FAILED" and "test" in row.error
    assert execution is not None and not execution.success and execution.error
    assert marks["DEFERRED"] == 10_000


async def test_a_branch_forked_after_resolution_applies_pending_deferred_effects_itself(
    uow: Any, campaign: Any
) -> None:
    _, main, actor = campaign
    town = await _create(uow, actor, T.SETTLEMENT, main.id, name="Brindle", population=10)
    event = await _create(uow, actor, T.EVENT, main.id, name="Seeds planted")
    await _effect(
        uow, actor, main.id, event, town, [{"op": "replace", "path": "/population", "value": 20}], delay_seconds=5000
    )
    async with uow(actor) as svc:
        await resolve(svc, T.EVENT, event.entity_id, main.id)  # at 1000, due 6000
        await svc.advance_time(main.id, 2000)
    async with uow(actor) as svc:
        child = await svc.fork(main.id, "later-fork")  # at 2000
    report = await _advance(uow, child.id, 7000)
    assert [(c.kind, c.world_time) for c in report.changes] == [("DEFERRED", 6000)]
    assert (await _read(uow, T.SETTLEMENT, town.entity_id, child.id)).content["population"] == 20
    assert (await _read(uow, T.SETTLEMENT, town.entity_id, main.id, 7000)).content["population"] == 10
    report = await _advance(uow, main.id, 7000)
    assert [(c.kind, c.world_time) for c in report.changes] == [("DEFERRED", 6000)]
    async with uow() as svc:
        assert (await process_due_work(svc, child.id)).changes == []


async def test_a_big_span_is_done_in_bounded_parts_with_the_same_result(uow: Any, campaign: Any) -> None:
    _, main, actor = campaign
    times = [2000, 2100, 2100, 2100, 2200, 2300, 2400]  # three share one world time: they stay together
    events = [
        await _create(uow, actor, T.EVENT, main.id, name=f"Deadline {i}", expires_at=t) for i, t in enumerate(times)
    ]
    async with uow() as svc:
        await svc.advance_time(main.id, 5000)
    parts = []
    while True:
        async with uow() as svc:
            report = await process_due_work(svc, main.id, kinds=["DEFERRED"], max_items=2)
        if not report.spans:
            break
        parts.append((report.up_to, [c.world_time for c in report.changes]))
    assert parts == [(2099, [2000]), (2100, [2100, 2100, 2100]), (2399, [2200, 2300]), (5000, [2400])]
    for event, t in zip(events, times, strict=True):
        state = await _read(uow, T.EVENT, event.entity_id, main.id)
        assert (state.content["status"], state.valid_from) == ("EXPIRED", t)
    async with uow() as svc:
        assert set((await watermarks(svc, main.id)).values()) == {5000}
