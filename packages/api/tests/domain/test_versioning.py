"""Versioned reads and writes: as-of reads, history corrections, optimistic locking, branches."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from campaign_api.errors import Conflict, NotFound, ValidationFailed
from campaign_shared.messages import EntityType as T


async def _settlement(uow: Any, main: Any, actor: Any, **fields: Any) -> Any:
    async with uow(actor) as svc:
        return await svc.create(T.SETTLEMENT, main.id, {"name": "Brindle", "level": 2, "population": 500, **fields})


async def test_create_read_update_as_of(uow: Any, campaign: Any) -> None:
    _, main, actor = campaign
    created = await _settlement(uow, main, actor)
    assert created.version == 1 and created.valid_from == 1000
    async with uow(actor) as svc:
        updated = await svc.update(
            T.SETTLEMENT, created.entity_id, main.id, {"population": 650}, expected_version=1, at=1500
        )
    assert updated.version == 2
    async with uow(actor) as svc:
        branch = await svc.store.branch(main.id)
        assert (await svc.store.read(T.SETTLEMENT, created.entity_id, branch, 1200)).content["population"] == 500
        assert (await svc.store.read(T.SETTLEMENT, created.entity_id, branch, 1500)).content["population"] == 650
        assert await svc.store.read(T.SETTLEMENT, created.entity_id, branch, 999) is None


async def test_history_correction_stops_at_next_change(uow: Any, campaign: Any) -> None:
    _, main, actor = campaign
    s = await _settlement(uow, main, actor)
    async with uow(actor) as svc:
        await svc.update(T.SETTLEMENT, s.entity_id, main.id, {"population": 900}, expected_version=1, at=3000)
        await svc.update(T.SETTLEMENT, s.entity_id, main.id, {"name": "Brindlemoor"}, expected_version=2, at=2000)
    async with uow(actor) as svc:
        branch = await svc.store.branch(main.id)
        at_2500 = await svc.store.read(T.SETTLEMENT, s.entity_id, branch, 2500)
        at_3500 = await svc.store.read(T.SETTLEMENT, s.entity_id, branch, 3500)
        assert at_2500.content["name"] == "Brindlemoor" and at_2500.content["population"] == 500
        assert at_3500.content["name"] == "Brindle" and at_3500.content["population"] == 900
        history = await svc.history(T.SETTLEMENT, s.entity_id, main.id)
        assert [v.version for v in history] == [1, 2, 3]
        changes = await svc.version_diff(T.SETTLEMENT, s.entity_id, main.id, 1, 2)
        assert [(c.path, c.before, c.after) for c in changes] == [("/population", 500, 900)]


async def test_expected_version_mismatch_is_a_conflict(uow: Any, campaign: Any) -> None:
    _, main, actor = campaign
    s = await _settlement(uow, main, actor)
    with pytest.raises(Conflict) as err:
        async with uow(actor) as svc:
            await svc.update(T.SETTLEMENT, s.entity_id, main.id, {"level": 3}, expected_version=7)
    assert err.value.details["currentVersion"] == 1


async def test_concurrent_updates_exactly_one_wins(uow: Any, campaign: Any) -> None:
    _, main, actor = campaign
    s = await _settlement(uow, main, actor)

    async def attempt(n: int) -> str:
        try:
            async with uow(actor) as svc:
                await svc.update(T.SETTLEMENT, s.entity_id, main.id, {"population": 1000 + n}, expected_version=1)
        except Conflict:
            return "conflict"
        return "ok"

    results = await asyncio.gather(*(attempt(n) for n in range(20)))
    assert results.count("ok") == 1 and results.count("conflict") == 19
    async with uow(actor) as svc:
        history = await svc.history(T.SETTLEMENT, s.entity_id, main.id)
        assert [v.version for v in history] == [1, 2]
        from sqlalchemy import func, select

        from campaign_api.db.models import AuditEntry

        audits = await svc.session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.entity_id == s.entity_id)
        )
        assert audits == 2


async def test_concurrent_time_advance_exactly_one_wins(uow: Any, campaign: Any) -> None:
    _, main, actor = campaign

    async def attempt(n: int) -> str:
        try:
            async with uow(actor) as svc:
                await svc.advance_time(main.id, 5000 + n, expected_version=1)
        except Conflict:
            return "conflict"
        return "ok"

    results = await asyncio.gather(*(attempt(n) for n in range(10)))
    assert results.count("ok") == 1
    async with uow(actor) as svc:
        branch = await svc.store.branch(main.id)
        assert branch.version == 2 and 5000 <= branch.world_time < 5010
        with pytest.raises(ValidationFailed):
            await svc.advance_time(main.id, 10)


async def test_branch_isolation_and_fork_point(uow: Any, campaign: Any) -> None:
    _, main, actor = campaign
    s = await _settlement(uow, main, actor)
    async with uow(actor) as svc:
        child = await svc.fork(main.id, "what-if", at=2000)
        await svc.update(T.SETTLEMENT, s.entity_id, main.id, {"population": 111}, expected_version=1, at=2500)
        await svc.update(T.SETTLEMENT, s.entity_id, child.id, {"level": 5}, expected_version=1, at=2600)
    async with uow(actor) as svc:
        main_b, child_b = await svc.store.branch(main.id), await svc.store.branch(child.id)
        in_child = await svc.store.read(T.SETTLEMENT, s.entity_id, child_b, 3000)
        in_main = await svc.store.read(T.SETTLEMENT, s.entity_id, main_b, 3000)
        assert in_child.content["population"] == 500 and in_child.content["level"] == 5  # parent edit after fork hidden
        assert in_main.content["population"] == 111 and in_main.content["level"] == 2  # child edit hidden
        early = await svc.store.read(T.SETTLEMENT, s.entity_id, child_b, 2550)
        assert early.content["level"] == 2  # before the child's own edit: parent's state at the fork
        with pytest.raises(ValidationFailed):
            await svc.update(T.SETTLEMENT, s.entity_id, child.id, {"level": 4}, expected_version=2, at=1500)


async def test_delete_cascades_and_restore_undoes_it(uow: Any, campaign: Any) -> None:
    _, main, actor = campaign
    s = await _settlement(uow, main, actor)
    async with uow(actor) as svc:
        temple = await svc.create(
            T.STRUCTURE,
            main.id,
            {"name": "Temple", "settlement_id": str(s.entity_id), "structure_type": "temple"},
        )
        cond = await svc.create(
            T.CONDITION,
            main.id,
            {
                "owner_type": "SETTLEMENT",
                "owner_id": str(s.entity_id),
                "field": "visible",
                "expression": {"==": [1, 1]},
            },
        )
        var = await svc.create(
            T.STATE_VARIABLE,
            main.id,
            {
                "scope": "SETTLEMENT",
                "scope_id": str(s.entity_id),
                "key": "morale",
                "var_type": "INTEGER",
                "value": 3,
            },
        )
    async with uow(actor) as svc:
        removed = await svc.delete(T.SETTLEMENT, s.entity_id, main.id, at=2000)
    assert {r.entity_id for r in removed} == {s.entity_id, temple.entity_id, cond.entity_id, var.entity_id}
    async with uow(actor) as svc:
        branch = await svc.store.branch(main.id)
        assert await svc.store.read(T.STRUCTURE, temple.entity_id, branch, 2000) is None
        assert await svc.store.read(T.STRUCTURE, temple.entity_id, branch, 1999) is not None
        await svc.restore(T.SETTLEMENT, s.entity_id, main.id, at=2100)
    async with uow(actor) as svc:
        branch = await svc.store.branch(main.id)
        assert await svc.store.read(T.STRUCTURE, temple.entity_id, branch, 2100) is not None
        assert await svc.store.read(T.STATE_VARIABLE, var.entity_id, branch, 2100) is not None


async def test_deleted_link_can_be_recreated_but_not_duplicated(uow: Any, campaign: Any) -> None:
    _, main, actor = campaign
    async with uow(actor) as svc:
        a = await svc.create(T.EVENT, main.id, {"name": "Omen"})
        b = await svc.create(T.EVENT, main.id, {"name": "Storm"})
        fields = {
            "source_type": "EVENT",
            "source_id": str(a.entity_id),
            "target_type": "EVENT",
            "target_id": str(b.entity_id),
            "kind": "PREREQUISITE",
        }
        link = await svc.create(T.LINK, main.id, fields)
    with pytest.raises(Conflict):
        async with uow(actor) as svc:
            await svc.create(T.LINK, main.id, fields)
    async with uow(actor) as svc:
        await svc.delete(T.LINK, link.entity_id, main.id)
        again = await svc.create(T.LINK, main.id, fields)
    assert again.entity_id != link.entity_id


async def test_one_live_state_variable_per_scope_key(uow: Any, campaign: Any) -> None:
    _, main, actor = campaign
    fields = {"scope": "CAMPAIGN", "key": "threat", "var_type": "INTEGER", "value": 1}
    async with uow(actor) as svc:
        first = await svc.create(T.STATE_VARIABLE, main.id, fields)
    with pytest.raises(Conflict):
        async with uow(actor) as svc:
            await svc.create(T.STATE_VARIABLE, main.id, fields)
    async with uow(actor) as svc:
        await svc.delete(T.STATE_VARIABLE, first.entity_id, main.id)
        await svc.create(T.STATE_VARIABLE, main.id, fields)


async def test_restore_version_writes_a_new_version(uow: Any, campaign: Any) -> None:
    _, main, actor = campaign
    s = await _settlement(uow, main, actor)
    async with uow(actor) as svc:
        await svc.update(T.SETTLEMENT, s.entity_id, main.id, {"name": "Renamed"}, expected_version=1)
        restored = await svc.restore_version(T.SETTLEMENT, s.entity_id, main.id, 1)
    assert restored.version == 3 and restored.content["name"] == "Brindle"


async def test_validation_errors_name_the_field(uow: Any, campaign: Any) -> None:
    _, main, actor = campaign
    cases = [
        (T.SETTLEMENT, {"name": "X", "level": 11}, "level"),
        (T.SETTLEMENT, {"name": "X", "kingdom_id": "00000000-0000-7000-8000-000000000000"}, "kingdom_id"),
        (T.STRUCTURE, {"name": "X", "structure_type": "inn"}, "settlement_id"),
        (
            T.CONDITION,
            {
                "owner_type": "EVENT",
                "owner_id": "00000000-0000-7000-8000-000000000000",
                "field": "available",
                "expression": {"no_such_op": [1]},
            },
            "expression",
        ),
        (T.SETTLEMENT, {"name": ""}, "name"),
        (T.SETTLEMENT, {"name": "X", "bogus": 1}, "bogus"),
    ]
    for entity_type, fields, field in cases:
        with pytest.raises(ValidationFailed) as err:
            async with uow(actor) as svc:
                await svc.create(entity_type, main.id, fields)
        assert err.value.details["field"] == field, (fields, err.value.details)
    with pytest.raises(NotFound):
        async with uow(actor) as svc:
            await svc.update(T.SETTLEMENT, main.id, main.id, {"level": 2}, expected_version=1)


async def test_typed_variables_are_validated(uow: Any, campaign: Any) -> None:
    _, main, actor = campaign
    schemas = [
        {"name": "treasury", "type": "number", "default": 0},
        {"name": "mood", "type": "enum", "enum_values": ["calm", "restless"]},
    ]
    async with uow(actor) as svc:
        k = await svc.create(
            T.KINGDOM,
            main.id,
            {"name": "Aldmere", "variable_schemas": schemas, "variables": {"mood": "calm"}},
        )
    assert k.content["variables"] == {"treasury": 0, "mood": "calm"}
    for bad in ({"mood": "angry"}, {"treasury": "lots"}, {"unknown": 1}):
        with pytest.raises(ValidationFailed):
            async with uow(actor) as svc:
                await svc.update(T.KINGDOM, k.entity_id, main.id, {"variables": bad}, expected_version=1)
