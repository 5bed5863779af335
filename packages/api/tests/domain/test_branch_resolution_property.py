"""Property test: branch- and time-aware reads agree with a tiny in-memory reference model.

The reference keeps, per branch, the edits of one entity by world time; reading branch b at t takes b's
latest edit at or before t, else reads the parent at min(t, fork). Random forks, edits at random times
(including corrections of the past), deletes and restores are applied to both, then every branch is
read at many times.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign_api.errors import NotFound, ValidationFailed
from campaign_shared.messages import EntityType as T

DELETED = "deleted"


@dataclass
class Reference:
    parent: dict[int, tuple[int | None, int]] = field(default_factory=lambda: {0: (None, 0)})
    edits: dict[int, list[tuple[int, int, Any]]] = field(default_factory=lambda: {0: []})  # (time, seq, value)
    seq: int = 0

    def read(self, branch: int, t: int) -> Any:
        own = [e for e in self.edits[branch] if e[0] <= t]
        if own:
            return max(own)[2]
        parent, fork = self.parent[branch]
        return None if parent is None else self.read(parent, min(t, fork))

    def edit(self, branch: int, t: int, value: Any) -> None:
        self.seq += 1
        self.edits[branch].append((t, self.seq, value))


ops = st.lists(
    st.one_of(
        st.tuples(st.just("fork"), st.integers(0, 5), st.integers(0, 60)),
        st.tuples(st.just("set"), st.integers(0, 5), st.integers(0, 60), st.integers(1, 10_000)),
        st.tuples(st.just("delete"), st.integers(0, 5), st.integers(0, 60)),
        st.tuples(st.just("restore"), st.integers(0, 5), st.integers(0, 60)),
    ),
    min_size=1,
    max_size=14,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=ops)
async def test_reads_match_the_reference_model(uow: Any, operations: list[tuple[Any, ...]]) -> None:
    import uuid

    from campaign_api.db.models import User

    async with uow() as svc:
        user = User(email=f"p-{uuid.uuid4().hex[:10]}@example.test", name="P", password_hash="x")
        svc.session.add(user)
        await svc.session.flush()
        world = await svc.create_world(user.id, "W", "", "gregorian")
        _, main = await svc.create_campaign(world, "C", start_time=0)
        entity = await svc.create(T.SETTLEMENT, main.id, {"name": "S", "population": 0}, at=0)
    ref = Reference()
    ref.edit(0, 0, 0)
    branch_ids = [main.id]
    for op in operations:
        kind, index = op[0], op[1] % len(branch_ids)
        fork_time = ref.parent[index][1]
        t = fork_time + op[2]
        async with uow() as svc:
            if kind == "fork":
                child = await svc.fork(branch_ids[index], f"b{len(branch_ids)}", at=t)
                ref.parent[len(branch_ids)] = (index, t)
                ref.edits[len(branch_ids)] = []
                branch_ids.append(child.id)
                continue
            current = ref.read(index, t)
            try:
                if kind == "set":
                    await svc.update(
                        T.SETTLEMENT,
                        entity.entity_id,
                        branch_ids[index],
                        {"population": op[3]},
                        expected_version=None,
                        at=t,
                    )
                    assert current not in (None, DELETED)
                    ref.edit(index, t, op[3])
                elif kind == "delete":
                    await svc.delete(T.SETTLEMENT, entity.entity_id, branch_ids[index], at=t)
                    assert current not in (None, DELETED)
                    ref.edit(index, t, DELETED)
                else:
                    restored = await svc.restore(T.SETTLEMENT, entity.entity_id, branch_ids[index], at=t)
                    assert current == DELETED
                    ref.edit(index, t, restored.content["population"])
            except NotFound:
                assert current in (None, DELETED) if kind != "restore" else current is None
            except ValidationFailed:
                raise
            except Exception as exc:  # the entity is not deleted (restore) — a Conflict
                assert kind == "restore" and current not in (None, DELETED), exc
    async with uow() as svc:
        for index, branch_id in enumerate(branch_ids):
            branch = await svc.store.branch(branch_id)
            for t in range(0, 130, 3):
                state = await svc.store.read(T.SETTLEMENT, entity.entity_id, branch, t, include_deleted=True)
                expected = ref.read(index, t)
                got = None if state is None else DELETED if state.deleted else state.content["population"]
                assert got == expected, (index, t, operations)
