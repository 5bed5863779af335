"""Versioned, branch-aware storage against a plain table: is "as of (branch, time)" close to free?

Generates a campaign straight into the real schema (a migrated database): 2 000 settlements with 18
versions each on main plus one rewrite of every fifth settlement on each of 4 child branches, and
10 000 point locations with 6 versions each: 12 000 entities, ~98 000 version rows over 5 branches.
Then times, through the real `VersionStore`, on a grandchild branch of main:

* the current state of one entity,
* a list of 1 000 settlements as of a time, as entity states (rows hydrated into objects) and as rows,
* a bbox map layer returning every one of the 10 000 locations as GeoJSON (built in SQL),

and the same queries on plain, unversioned tables holding the same current rows, hydrated the same
way. Prints p50/p95 and the ratio, and writes benchmarks/results/domain.json.

    uv run --frozen python benchmarks/domain_bench.py [--settlements 2000] [--locations 10000] [--rounds 30]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from sqlalchemy import (  # noqa: E402
    MetaData,
    Table,
    select,
    text,
)
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine  # noqa: E402
from sqlalchemy.orm import aliased  # noqa: E402

from campaign_api.db.migrate import upgrade  # noqa: E402
from campaign_api.db.models import Settlement  # noqa: E402
from campaign_api.domain import spatial_queries as spatial  # noqa: E402
from campaign_api.domain.registry import spec_for  # noqa: E402
from campaign_api.domain.store import VersionStore, content_of  # noqa: E402
from campaign_shared.messages import EntityType  # noqa: E402
from campaign_shared.settings import DatabaseSettings, Settings  # noqa: E402
from devstack import ensure_database  # noqa: E402

PG = "postgresql://postgres@127.0.0.1:5432"
DB = "campaign_bench"
RESULTS = ROOT / "benchmarks" / "results"

GENERATE = """
INSERT INTO users (id, email, name, password_hash, is_active, created_at, updated_at)
VALUES (:user, 'bench@example.test', 'Bench', 'x', true, now(), now());
INSERT INTO worlds (id, owner_id, name, description, calendar, settings, created_at, updated_at)
VALUES (:world, :user, 'Bench', '', '{}'::jsonb, '{}'::jsonb, now(), now());
INSERT INTO campaigns (id, world_id, created_by, name, description, settings, srid, created_at, updated_at)
VALUES (:campaign, :world, :user, 'Bench', '', '{}'::jsonb, 3857, now(), now());
INSERT INTO branches (id, campaign_id, parent_id, name, description, fork_time, world_time, depth, pinned, tags,
                      version, created_at, updated_at) VALUES
  (:b0, :campaign, NULL, 'main', '', 0, 10000, 0, false, '[]', 1, now(), now()),
  (:b1, :campaign, :b0, 'b1', '', 4000, 10000, 1, false, '[]', 1, now(), now()),
  (:b2, :campaign, :b1, 'b2', '', 6000, 10000, 2, false, '[]', 1, now(), now()),
  (:b3, :campaign, :b0, 'b3', '', 7000, 10000, 1, false, '[]', 1, now(), now()),
  (:b4, :campaign, :b3, 'b4', '', 8000, 10000, 2, false, '[]', 1, now(), now());
CREATE TEMP TABLE ids AS
  SELECT n, gen_random_uuid() AS sid, gen_random_uuid() AS lid FROM generate_series(1, :n) AS n;
INSERT INTO entities (id, entity_type, campaign_id, created_at)
  SELECT sid, 'SETTLEMENT', :campaign, now() FROM ids WHERE n <= :settlements
  UNION ALL SELECT lid, 'LOCATION', :campaign, now() FROM ids;
-- main: 18 versions per settlement at t = 0, 500, …, 8500 (the last one open-ended)
INSERT INTO settlements (id, entity_id, campaign_id, branch_id, valid_from, valid_to, version, is_deleted, recorded_at,
                         name, description, gm_notes, hidden, variables, variable_schemas, level, population)
  SELECT gen_random_uuid(), sid, :campaign, :b0, v * 500, CASE WHEN v = 17 THEN NULL ELSE (v + 1) * 500 END, v + 1,
         false, now(), 'S' || n, '', '', false, '{}', '[]', 1 + (n % 10), n * 10 + v
  FROM ids, generate_series(0, 17) AS v WHERE n <= :settlements;
-- each child branch rewrites every fifth settlement once after its fork
INSERT INTO settlements (id, entity_id, campaign_id, branch_id, valid_from, valid_to, version, is_deleted, recorded_at,
                         name, description, gm_notes, hidden, variables, variable_schemas, level, population)
  SELECT gen_random_uuid(), sid, :campaign, b.id, b.fork_time + 500, NULL, 19, false, now(), 'S' || n || b.name, '', '',
         false, '{}', '[]', 1 + (n % 10), n * 11
  FROM ids, branches b WHERE b.campaign_id = :campaign AND b.parent_id IS NOT NULL AND n % 5 = 0 AND n <= :settlements;
INSERT INTO locations (id, entity_id, campaign_id, branch_id, valid_from, valid_to, version, is_deleted, recorded_at,
                       name, description, gm_notes, hidden, kind, geom)
  SELECT gen_random_uuid(), lid, :campaign, :b0, v * 1600, CASE WHEN v = 5 THEN NULL ELSE (v + 1) * 1600 END, v + 1,
         false, now(), 'L' || n, '', '', false, 'POINT',
         ST_Transform(ST_SetSRID(ST_MakePoint(-60 + (n % 100) * 1.2 + v * 0.001, -40 + (n / 100) * 0.8), 4326), 3857)
  FROM ids, generate_series(0, 5) AS v;
-- the plain, unversioned tables with the same current rows
CREATE TABLE plain_settlements AS
  SELECT DISTINCT ON (entity_id) * FROM settlements WHERE campaign_id = :campaign AND branch_id = :b0
  ORDER BY entity_id, valid_from DESC;
CREATE UNIQUE INDEX ON plain_settlements (entity_id);
CREATE TABLE plain_locations AS
  SELECT DISTINCT ON (entity_id) * FROM locations WHERE campaign_id = :campaign AND branch_id = :b0
  ORDER BY entity_id, valid_from DESC;
CREATE INDEX ON plain_locations USING gist (geom);
ANALYZE;
"""


async def timed(fn: Callable[[], Awaitable[Any]], rounds: int) -> dict[str, float]:
    for _ in range(3):
        await fn()
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        await fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {"p50_ms": round(statistics.median(samples), 3), "p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 3)}


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--settlements", type=int, default=2000)
    parser.add_argument("--locations", type=int, default=10000, help="point locations: the map layer's features")
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    ensure_database(f"{PG}/postgres", DB, recreate=True)
    settings = Settings(database=DatabaseSettings(url=f"{PG}/{DB}"))
    upgrade(settings)
    engine = create_async_engine(settings.database.sqlalchemy_url)
    ids = {k: uuid.uuid4() for k in ("user", "world", "campaign", "b0", "b1", "b2", "b3", "b4")}
    started = time.perf_counter()
    async with engine.begin() as conn:
        for statement in GENERATE.split(";\n"):
            if statement.strip():
                await conn.execute(text(statement), {**ids, "n": args.locations, "settlements": args.settlements})
        counts = (
            await conn.execute(
                text(
                    "SELECT (SELECT count(*) FROM settlements) + (SELECT count(*) FROM locations), "
                    "(SELECT count(*) FROM entities)"
                )
            )
        ).one()
    generation_s = time.perf_counter() - started
    # set hint bits and the visibility map now, so the timed reads do not write pages (steadier numbers)
    async with engine.connect() as conn:
        await (await conn.execution_options(isolation_level="AUTOCOMMIT")).execute(text("VACUUM (ANALYZE)"))
    factory = async_sessionmaker(engine, expire_on_commit=False)
    plain_table: Table = Settlement.__table__.to_metadata(MetaData(), name="plain_settlements")  # type: ignore[attr-defined]
    plain_settlement = aliased(Settlement, plain_table, adapt_on_names=True)

    async with factory() as session:
        store = VersionStore(session)
        b2 = await store.branch(ids["b2"])
        one = (
            await session.execute(text("SELECT entity_id FROM plain_settlements ORDER BY name LIMIT 1"))
        ).scalar_one()

        async def versioned_read() -> None:
            assert await store.read(EntityType.SETTLEMENT, one, b2, 9000) is not None

        async def plain_read() -> None:
            found = await session.scalar(select(plain_settlement).where(plain_settlement.entity_id == one))
            assert found is not None and content_of(Settlement, found, None)

        async def versioned_list() -> None:
            rows = await store.read_many(EntityType.SETTLEMENT, b2, 9000, limit=1000)
            assert len(rows) == 1000

        async def plain_list() -> None:
            """The plain table read and hydrated exactly like the versioned list (ORM objects -> content)."""
            query = select(plain_settlement).order_by(plain_settlement.entity_id).limit(1000)
            objects = (await session.scalars(query)).all()
            states = [content_of(Settlement, o, None) for o in objects]
            assert len(states) == 1000

        async def plain_list_rows() -> None:
            conn = await session.connection()
            rows = (await conn.execute(select(plain_table).order_by(plain_table.c.entity_id).limit(1000))).all()
            assert len(rows) == 1000

        async def versioned_list_sql() -> None:
            """The same list as rows only (no entity objects): the storage cost without hydration."""
            tree = await store.tree(b2.campaign_id)
            query, _, order, params = store.per_entity_query(
                spec_for(EntityType.SETTLEMENT), b2.campaign_id, b2.id, tree.chain(b2.id, 9000)
            )
            conn = await session.connection()
            rows = (await conn.execute(query.order_by(order).limit(1000), params)).all()
            assert len(rows) == 1000

        bbox = [-90.0, -60.0, 90.0, 60.0]

        async def versioned_layer() -> None:
            layer = await spatial.map_layer_collection(store, b2, 9000, bbox, include_hidden=True)
            assert len(layer["features"]) == args.locations

        async def plain_layer() -> None:
            layer = (
                await session.execute(
                    text(
                        "SELECT json_build_object('type', 'FeatureCollection', 'features', json_agg(json_build_object("
                        "'type', 'Feature', 'id', entity_id, 'geometry', ST_AsGeoJSON(ST_Transform(geom, 4326), 9, 0)::json, "
                        "'properties', json_build_object('id', entity_id, 'name', name, 'kind', kind, 'parentId', parent_id, "
                        "'hidden', hidden, 'version', version)))) FROM plain_locations "
                        "WHERE ST_Intersects(geom, ST_Transform(ST_MakeEnvelope(-90, -60, 90, 60, 4326), 3857))"
                    )
                )
            ).scalar_one()
            assert len(layer["features"]) == args.locations

        results: dict[str, Any] = {
            "entities": counts[1],
            "versions": counts[0],
            "branches": 5,
            "generation_s": round(generation_s, 2),
        }
        for name, versioned, plain in (
            ("read_one_entity_child_branch", versioned_read, plain_read),
            ("list_1000_settlements_child_branch", versioned_list, plain_list),
            ("list_1000_settlements_child_branch_rows_only", versioned_list_sql, plain_list_rows),
            (f"map_layer_{args.locations}_features", versioned_layer, plain_layer),
        ):
            v = await timed(versioned, args.rounds)
            p = await timed(plain, args.rounds)
            results[name] = {"versioned": v, "plain": p, "ratio_p50": round(v["p50_ms"] / p["p50_ms"], 2)}
    await engine.dispose()
    print(f"generated {results['entities']} entities, {results['versions']} versions in {generation_s:.1f}s")
    print(f"{'query':42} {'versioned p50/p95 ms':>22} {'plain p50/p95 ms':>18} {'ratio':>6}")
    for key, value in results.items():
        if isinstance(value, dict):
            v, p = value["versioned"], value["plain"]
            print(
                f"{key:42} {v['p50_ms']:>10.2f}/{v['p95_ms']:<10.2f} {p['p50_ms']:>8.2f}/{p['p95_ms']:<8.2f} "
                f"{value['ratio_p50']:>6}"
            )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "domain.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
