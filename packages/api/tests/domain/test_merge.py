"""Merge and cherry-pick: automatic merges, conflicts, nulls, resolutions, atomicity."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from campaign_api.db.models import AuditEntry, MergeRecord
from campaign_api.domain import merge as merging
from campaign_api.errors import ValidationFailed
from campaign_shared.messages import EntityType as T


async def _world(uow: Any, main: Any, actor: Any) -> tuple[Any, Any, Any]:
    async with uow(actor) as svc:
        k = await svc.create(T.KINGDOM, main.id, {"name": "Aldmere", "level": 2, "description": "old"})
        s = await svc.create(
            T.SETTLEMENT,
            main.id,
            {"name": "Brindle", "level": 2, "population": 500, "kingdom_id": str(k.entity_id)},
        )
        child = await svc.fork(main.id, "what-if", at=1000)
        # both clocks move on, so later edits happen after the fork (an edit *at* the fork is shared past)
        await svc.advance_time(main.id, 2000)
        await svc.advance_time(child.id, 2000)
    return k, s, child


async def test_disjoint_changes_merge_automatically(uow: Any, campaign: Any) -> None:
    _, main, actor = campaign
    k, s, child = await _world(uow, main, actor)
    async with uow(actor) as svc:
        await svc.update(T.SETTLEMENT, s.entity_id, child.id, {"population": 800}, expected_version=1)
        await svc.update(T.SETTLEMENT, s.entity_id, main.id, {"name": "Brindlemoor"}, expected_version=1)
        created = await svc.create(T.EVENT, child.id, {"name": "Festival"})
    async with uow(actor) as svc:
        preview = await merging.plan_merge(svc, child.id, main.id)
        assert preview.conflicts == []
        plan, written = await merging.merge_branches(svc, child.id, main.id, [])
    assert {w.entity_id for w in written} == {s.entity_id, created.entity_id}
    async with uow(actor) as svc:
        branch = await svc.store.branch(main.id)
        merged = await svc.store.read(T.SETTLEMENT, s.entity_id, branch)
        assert merged.content["name"] == "Brindlemoor" and merged.content["population"] == 800
        assert await svc.store.read(T.EVENT, created.entity_id, branch) is not None
        assert (
            await svc.session.scalar(
                select(func.count()).select_from(MergeRecord).where(MergeRecord.target_branch_id == main.id)
            )
            == 1
        )


async def test_conflicts_are_reported_and_resolutions_apply_on_top(uow: Any, campaign: Any) -> None:
    _, main, actor = campaign
    k, s, child = await _world(uow, main, actor)
    async with uow(actor) as svc:
        await svc.update(T.SETTLEMENT, s.entity_id, child.id, {"population": 800, "level": 3}, expected_version=1)
        await svc.update(T.SETTLEMENT, s.entity_id, main.id, {"population": 600}, expected_version=1)
    async with uow(actor) as svc:
        preview = await merging.plan_merge(svc, child.id, main.id)
    [conflict] = preview.conflicts
    assert (conflict.path, conflict.base, conflict.ours, conflict.theirs) == ("/population", 500, 600, 800)
    with pytest.raises(ValidationFailed) as err:
        async with uow(actor) as svc:
            await merging.merge_branches(svc, child.id, main.id, [])
    assert err.value.details["unresolved"][0]["path"] == "/population"
    resolution = {
        "entityType": "SETTLEMENT",
        "entityId": str(s.entity_id),
        "path": "/population",
        "value": 700,
    }
    async with uow(actor) as svc:
        await merging.merge_branches(svc, child.id, main.id, [resolution])
    async with uow(actor) as svc:
        merged = await svc.store.read(T.SETTLEMENT, s.entity_id, await svc.store.branch(main.id))
    assert merged.content["population"] == 700 and merged.content["level"] == 3  # automatic part kept


async def test_null_values_survive_a_merge(uow: Any, campaign: Any) -> None:
    _, main, actor = campaign
    k, s, child = await _world(uow, main, actor)
    async with uow(actor) as svc:
        await svc.update(T.SETTLEMENT, s.entity_id, child.id, {"kingdom_id": None}, expected_version=1)
        await svc.update(T.SETTLEMENT, s.entity_id, main.id, {"level": 4}, expected_version=1)
        await merging.merge_branches(svc, child.id, main.id, [])
    async with uow(actor) as svc:
        merged = await svc.store.read(T.SETTLEMENT, s.entity_id, await svc.store.branch(main.id))
    assert merged.content["kingdom_id"] is None and merged.content["level"] == 4


async def test_modified_versus_deleted_is_a_conflict(uow: Any, campaign: Any) -> None:
    _, main, actor = campaign
    k, s, child = await _world(uow, main, actor)
    async with uow(actor) as svc:
        await svc.delete(T.KINGDOM, k.entity_id, child.id)
        await svc.update(T.KINGDOM, k.entity_id, main.id, {"level": 5}, expected_version=1)
        preview = await merging.plan_merge(svc, child.id, main.id)
    [conflict] = preview.conflicts
    assert conflict.path == "" and conflict.theirs is None and conflict.ours["level"] == 5


async def test_failure_mid_merge_writes_nothing(uow: Any, campaign: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _, main, actor = campaign
    k, s, child = await _world(uow, main, actor)
    async with uow(actor) as svc:
        await svc.update(T.SETTLEMENT, s.entity_id, child.id, {"population": 801}, expected_version=1)
        await svc.update(T.KINGDOM, k.entity_id, child.id, {"level": 6}, expected_version=1)
    async with uow(actor) as svc:
        before = await svc.session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.branch_id == main.id)
        )
    calls = {"n": 0}
    original = merging.validate_content

    async def failing(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("injected failure")
        return await original(*args, **kwargs)

    monkeypatch.setattr(merging, "validate_content", failing)
    with pytest.raises(RuntimeError):
        async with uow(actor) as svc:
            await merging.merge_branches(svc, child.id, main.id, [])
    monkeypatch.undo()
    async with uow(actor) as svc:
        branch = await svc.store.branch(main.id)
        assert (await svc.store.read(T.SETTLEMENT, s.entity_id, branch)).content["population"] == 500
        assert (await svc.store.read(T.KINGDOM, k.entity_id, branch)).content["level"] == 2
        after = await svc.session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.branch_id == main.id)
        )
        assert after == before
        assert (
            await svc.session.scalar(
                select(func.count()).select_from(MergeRecord).where(MergeRecord.target_branch_id == main.id)
            )
            == 0
        )


async def test_cherry_pick_uses_the_previous_version_as_base(uow: Any, campaign: Any) -> None:
    _, main, actor = campaign
    k, s, child = await _world(uow, main, actor)
    async with uow(actor) as svc:
        await svc.update(T.SETTLEMENT, s.entity_id, child.id, {"name": "Brindle Keep"}, expected_version=1)
        picked = await svc.update(T.SETTLEMENT, s.entity_id, child.id, {"population": 999}, expected_version=2)
        await svc.update(T.SETTLEMENT, s.entity_id, main.id, {"level": 7}, expected_version=1)
    async with uow(actor) as svc:
        plan = await merging.plan_cherry_pick(svc, picked.version_id, main.id)
        assert plan.conflicts == []  # only /population changed in that version
        assert [c.path for c in plan.entities[0].changes] == ["/population"]
        await merging.cherry_pick(svc, picked.version_id, main.id, [])
    async with uow(actor) as svc:
        merged = await svc.store.read(T.SETTLEMENT, s.entity_id, await svc.store.branch(main.id))
    assert merged.content["population"] == 999 and merged.content["name"] == "Brindle" and merged.content["level"] == 7
