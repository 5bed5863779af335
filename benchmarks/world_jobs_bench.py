"""World-time due work at scale: the expiration sweep over 10 000 due events, settlement growth (with
maintenance) for 1 000 settlements over one world year, and `advanceWorldTime` by one month on the demo
world, end to end until every job it triggered is done.

Run: `uv run --frozen python benchmarks/world_jobs_bench.py [--events 10000] [--settlements 1000] [--no-e2e]`.
Prints a table and writes `benchmarks/results/world_jobs.json`.

The first two insert their data straight into a scratch database (`campaign_bench_world_jobs`, recreated),
as version-1 rows of one campaign's main branch; then the real `process_due_work` runs in one
transaction, exactly as the API's `processDueWork` does (every change through `DomainService.update`:
validation, a new version, an audit row), and the SQL statements it sends are counted.

The end-to-end run starts the whole stack (`scripts/devstack.py`: S3, rules engine, API, scheduler) on
free ports and a scratch database, loads the demo world (`campaign-api seed-demo`), signs in as its GM,
advances the main branch by one calendar month over GraphQL and waits until the scheduler's worker has
done the due work (every watermark at the new clock, no job of the branch left queued or running).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from uuid_utils.compat import uuid7

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from campaign_api.db.migrate import upgrade  # noqa: E402
from campaign_api.db.models import (  # noqa: E402
    AuditEntry,
    EntityHead,
    EntityRecord,
    Event,
    Settlement,
    Structure,
    User,
)
from campaign_api.domain.due_work import process_due_work  # noqa: E402
from campaign_api.domain.service import DomainService  # noqa: E402
from campaign_shared.settings import DatabaseSettings, Settings  # noqa: E402
from devstack import ensure_database  # noqa: E402

PG = "postgresql://postgres@127.0.0.1:5432"
DATABASE = "campaign_bench_world_jobs"
RESULTS = ROOT / "benchmarks" / "results" / "world_jobs.json"
DAY = 86_400
YEAR = 365 * DAY
START = 1000
CHUNK = 2000


class StatementCounter:
    def __init__(self, engine: AsyncEngine) -> None:
        self.count = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self._hit)

    def _hit(self, *args: Any) -> None:
        self.count += 1


async def _campaign(factory: async_sessionmaker[Any], name: str) -> tuple[Any, Any]:
    async with factory() as session, session.begin():
        svc = DomainService(session)
        user = User(email=f"bench-{uuid7().hex[:12]}@example.test", name="Bench", password_hash="x")
        session.add(user)
        await session.flush()
        svc.actor_id = user.id
        world = await svc.create_world(user.id, "Bench world", "", "gregorian")
        campaign, main = await svc.create_campaign(world, name, start_time=START)
        return campaign, main


async def _bulk(
    factory: async_sessionmaker[Any], model: Any, etype: str, campaign: Any, main: Any, rows: list[dict[str, Any]]
) -> list[Any]:
    """Insert version-1 rows of new entities (identity, head and version rows)."""
    ids = [uuid7() for _ in rows]
    now = datetime.now(UTC)
    async with factory() as session, session.begin():
        for start in range(0, len(rows), CHUNK):
            part = range(start, min(start + CHUNK, len(rows)))
            await session.execute(
                insert(EntityRecord),
                [{"id": ids[i], "entity_type": etype, "campaign_id": campaign.id, "created_at": now} for i in part],
            )
            await session.execute(
                insert(EntityHead),
                [{"id": uuid7(), "entity_id": ids[i], "branch_id": main.id, "version": 1} for i in part],
            )
            await session.execute(
                insert(model),
                [
                    {
                        "id": uuid7(),
                        "entity_id": ids[i],
                        "campaign_id": campaign.id,
                        "branch_id": main.id,
                        "valid_from": START,
                        "valid_to": None,
                        "version": 1,
                        "is_deleted": False,
                        "recorded_at": now,
                        **rows[i],
                    }
                    for i in part
                ],
            )
    return ids


async def _run(
    factory: async_sessionmaker[Any], counter: StatementCounter, main_id: Any, to: int, kinds: list[str]
) -> dict[str, Any]:
    async with factory() as session, session.begin():
        await DomainService(session).advance_time(main_id, to)
    counter.count = 0
    started = time.perf_counter()
    async with factory() as session, session.begin():
        report = await process_due_work(DomainService(session), main_id, to, kinds)
    elapsed = time.perf_counter() - started
    return {"seconds": elapsed, "statements": counter.count, "changes": len(report.changes), "report": report}


async def expiration(factory: async_sessionmaker[Any], counter: StatementCounter, events: int) -> dict[str, Any]:
    campaign, main = await _campaign(factory, "Expiration bench")
    common = {"description": "", "gm_notes": "", "hidden": False, "event_type": "STORY", "status": "PLANNED"}
    await _bulk(
        factory,
        Event,
        "EVENT",
        campaign,
        main,
        [{"name": f"Deadline {i}", "expires_at": START + 60 + i, **common} for i in range(events)],
    )
    result = await _run(factory, counter, main.id, START + 60 + events + DAY, ["EXPIRATION"])
    async with factory() as session:
        expired = await session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.campaign_id == campaign.id, AuditEntry.operation == "EXPIRE")
        )
    assert expired == events, (expired, events)
    again = await _run(factory, counter, main.id, START + 60 + events + DAY, ["EXPIRATION"])
    return {
        "events": events,
        "seconds": round(result["seconds"], 3),
        "ms_per_event": round(result["seconds"] * 1000 / events, 3),
        "statements": result["statements"],
        "statements_per_event": round(result["statements"] / events, 2),
        "expired": expired,
        "repeat_seconds": round(again["seconds"], 4),
        "repeat_statements": again["statements"],
        "repeat_changes": again["changes"],
    }


async def growth(factory: async_sessionmaker[Any], counter: StatementCounter, settlements: int) -> dict[str, Any]:
    campaign, main = await _campaign(factory, "Growth bench")
    common = {"description": "", "gm_notes": "", "hidden": False}
    schemas = [{"name": "treasury", "type": "number", "enum_values": [], "default": None, "description": ""}]
    ids = await _bulk(
        factory,
        Settlement,
        "SETTLEMENT",
        campaign,
        main,
        [
            {
                "name": f"Town {i}",
                "level": 1 + i % 5,
                "population": 200 + (i * 37) % 20_000,
                "variables": {"treasury": (i * 13) % 500},
                "variable_schemas": schemas,
                "kingdom_id": None,
                "location_id": None,
                **common,
            }
            for i in range(settlements)
        ],
    )
    await _bulk(
        factory,
        Structure,
        "STRUCTURE",
        campaign,
        main,
        [
            {
                "name": f"Hall {i}",
                "settlement_id": ids[i],
                "structure_type": "hall",
                "level": 1 + i % 5,
                "condition": 100,
                "operational": True,
                "variables": {},
                "variable_schemas": [],
                **common,
            }
            for i in range(settlements)
        ],
    )
    result = await _run(factory, counter, main.id, START + YEAR, ["GROWTH"])
    report = result["report"]
    return {
        "settlements": settlements,
        "structures": settlements,
        "world_time_span_days": 365,
        "month_starts": 12,
        "seconds": round(result["seconds"], 3),
        "ms_per_settlement": round(result["seconds"] * 1000 / settlements, 3),
        "statements": result["statements"],
        "changes": result["changes"],
        "growth_changes": report.count("GROWTH"),
        "maintenance_changes": report.count("MAINTENANCE"),
    }


def e2e_demo_month() -> dict[str, Any]:
    """advanceWorldTime by one month on the demo world, until all triggered jobs are done."""
    import os
    import subprocess
    import tempfile
    import uuid

    import httpx

    import devstack
    from campaign_shared.calendar import Calendar, add
    from campaign_shared.settings import DEV_SCHEDULER_TOKEN

    database = "campaign_bench_world_e2e"
    ports = devstack.Ports.free()
    with (
        tempfile.TemporaryDirectory(prefix="world-jobs-bench-") as tmp,
        devstack.running_stack(
            ports,
            Path(tmp),
            database_url=f"{PG}/{database}",
            admin_database_url=f"{PG}/postgres",
            redis_url="redis://127.0.0.1:6379/11",
            prefix=f"bench-{uuid.uuid4().hex[:8]}",
            recreate_db=True,
            with_frontend=False,
            extra_env={"APP_ENV": "test", "LOG_LEVEL": "WARNING"},
        ) as (_, env),
    ):
        subprocess.run(
            [str(devstack.VENV_BIN / "campaign-api"), "seed-demo"],
            env={**os.environ, **env},
            check=True,
            capture_output=True,
        )
        api = f"http://127.0.0.1:{ports.api}"
        with httpx.Client(base_url=api, timeout=120) as http:
            login = http.post("/auth/login", json={"email": "gm@demo.test", "password": "demo-gm-pass"})
            login.raise_for_status()
            headers = {"Authorization": f"Bearer {login.json()['access_token']}"}

            def q(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
                body = http.post(
                    "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
                ).json()
                if body.get("errors"):
                    raise RuntimeError(body["errors"])
                return body["data"]  # type: ignore[no-any-return]

            campaign = q("{ campaigns { id mainBranch { id worldTimeSeconds } } }")["campaigns"][0]
            worlds = q("{ worlds { calendar } }")["worlds"]
            calendar = Calendar.model_validate(worlds[0]["calendar"])
            main = campaign["mainBranch"]["id"]
            # the seed's own clock: let any due work it left behind finish first
            before = int(campaign["mainBranch"]["worldTimeSeconds"])
            target = add(calendar, before, months=1)

            def done(up_to: int) -> bool:
                status = q(
                    "query($b: ID!) { dueWorkStatus(branchId: $b) { watermarks { processedToSeconds } } }", {"b": main}
                )
                marks = status["dueWorkStatus"]["watermarks"]
                if not all(m["processedToSeconds"] >= up_to for m in marks):
                    return False
                jobs = httpx.get(
                    f"http://127.0.0.1:{ports.scheduler}/jobs",
                    params={"limit": 500},
                    headers={"Authorization": f"Bearer {DEV_SCHEDULER_TOKEN}"},
                ).json()["jobs"]
                return not [
                    j for j in jobs if j["kwargs"].get("branch_id") == main and j["status"] in {"queued", "active"}
                ]

            q("mutation($b: ID!) { processDueWork(branchId: $b) { changeCount } }", {"b": main})
            started = time.perf_counter()
            q(
                "mutation($b: ID!, $to: WorldTime!) { advanceWorldTime(branchId: $b, to: $to) { worldTime } }",
                {"b": main, "to": target},
            )
            advanced = time.perf_counter() - started
            while not done(target):
                if time.perf_counter() - started > 600:
                    raise TimeoutError("the due work of the demo world did not finish in 10 minutes")
                time.sleep(0.05)
            elapsed = time.perf_counter() - started
            jobs = httpx.get(
                f"http://127.0.0.1:{ports.scheduler}/jobs",
                params={"limit": 500, "status": "complete"},
                headers={"Authorization": f"Bearer {DEV_SCHEDULER_TOKEN}"},
            ).json()["jobs"]
            mine = [j for j in jobs if j["kwargs"].get("branch_id") == main and j["kwargs"].get("up_to") == target]
            changes = sum(int((j.get("result") or {}).get("changes") or 0) for j in mine)
    return {
        "from": before,
        "to": target,
        "advance_mutation_seconds": round(advanced, 3),
        "seconds_until_jobs_done": round(elapsed, 3),
        "jobs": len(mine),
        "changes": changes,
    }


async def main(events: int, settlements: int) -> dict[str, Any]:
    ensure_database(f"{PG}/postgres", DATABASE, recreate=True)
    settings = Settings(database=DatabaseSettings(url=f"{PG}/{DATABASE}"))
    await asyncio.to_thread(upgrade, settings)
    engine = create_async_engine(settings.database.sqlalchemy_url, pool_size=5)
    counter = StatementCounter(engine)
    factory = async_sessionmaker(engine, expire_on_commit=False)
    try:
        return {
            "benchmark": "world_jobs",
            "recorded_at": datetime.now(UTC).isoformat(),
            "machine": {"python": platform.python_version(), "platform": platform.platform()},
            "expiration": await expiration(factory, counter, events),
            "growth": await growth(factory, counter, settlements),
        }
    finally:
        await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--settlements", type=int, default=1_000)
    parser.add_argument("--no-e2e", action="store_true", help="skip the end-to-end run on the demo world")
    args = parser.parse_args()
    results = asyncio.run(main(args.events, args.settlements))
    if not args.no_e2e:
        results["e2e_demo_month"] = e2e_demo_month()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    e, g = results["expiration"], results["growth"]
    print(f"{'benchmark':<44} {'time':>10} {'SQL statements':>16} {'changes':>9}")
    print(
        f"{'expiration sweep, ' + str(e['events']) + ' due events':<44} {e['seconds']:>9.2f}s {e['statements']:>16} {e['expired']:>9}"
    )
    print(f"{'  per event':<44} {e['ms_per_event']:>8.2f}ms {e['statements_per_event']:>16}")
    print(
        f"{'  same span again (exactly once)':<44} {e['repeat_seconds']:>9.3f}s {e['repeat_statements']:>16} {e['repeat_changes']:>9}"
    )
    print(
        f"{'growth + upkeep, ' + str(g['settlements']) + ' settlements, 1 year':<44} {g['seconds']:>9.2f}s {g['statements']:>16} {g['changes']:>9}"
    )
    print(f"{'  per settlement':<44} {g['ms_per_settlement']:>8.2f}ms")
    if "e2e_demo_month" in results:
        d = results["e2e_demo_month"]
        print(
            f"{'advanceWorldTime +1 month, demo world, e2e':<44} {d['seconds_until_jobs_done']:>9.2f}s "
            f"{'(' + str(d['jobs']) + ' jobs)':>16} {d['changes']:>9}"
        )
        print(f"{'  the mutation itself':<44} {d['advance_mutation_seconds']:>9.3f}s")
    print(f"results: {RESULTS.relative_to(ROOT)}")
