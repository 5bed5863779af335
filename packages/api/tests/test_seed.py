"""The demo seed against the test stack's PostgreSQL and S3, in-process and as `campaign-api seed-demo`.

Seeding twice changes nothing (no version, no audit row); the world has what the issue asks for, its
links form a graph without cycles or dangling references on every branch, the branches really diverge,
the map image is a PNG in S3, production refuses without --force, and `reset-demo` starts over.
"""

from __future__ import annotations

import hashlib
import io
import os
import uuid
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import psycopg
import pytest
from PIL import Image
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from campaign_api.db.models import Branch, Campaign, Membership, Upload, User, World
from campaign_api.domain.registry import SPECS
from campaign_api.domain.store import EntityState, VersionStore
from campaign_api.rules.graph_build import build_graph
from campaign_api.seed import DEMO_ACCOUNTS, DemoWorld, SeedRefused, reset_demo, seed_demo
from campaign_api.seed.content import CAMPAIGN_NAME, NOW, WORLD_NAME
from campaign_api.seed.mapimage import HEIGHT, WIDTH
from campaign_api.storage import ObjectStorage
from campaign_shared.calendar import Calendar, parse
from campaign_shared.messages import EntityType as T
from campaign_shared.settings import AppSettings, DatabaseSettings, S3Settings, Settings
from devstack import ROOT, VENV_BIN, StackHandle

pytestmark = pytest.mark.stack

#: rows the seed writes, per table: the versioned tables (by campaign) and the bookkeeping around them
VERSIONED_TABLES = sorted(spec.model.__tablename__ for spec in SPECS.values())
CAMPAIGN_TABLES = [
    *VERSIONED_TABLES,
    "entities",
    "audit_log",
    "memberships",
    "branches",
    "deferred_effects",
    "effect_executions",
    "world_job_watermarks",
    "merge_history",
    "uploads",
]


def settings_for(stack: StackHandle, app_env: str = "test") -> Settings:
    env = stack.env
    return Settings(
        app=AppSettings(env=app_env),
        database=DatabaseSettings(url=env["DATABASE_URL"]),
        s3=S3Settings(
            endpoint=env["S3_ENDPOINT"],
            access_key=env["S3_ACCESS_KEY"],
            secret_key=env["S3_SECRET_KEY"],
            bucket=env["S3_BUCKET"],
        ),
    )


@pytest.fixture(scope="module")
def settings(stack: StackHandle) -> Settings:
    return settings_for(stack)


@pytest.fixture(scope="module")
async def demo(settings: Settings) -> DemoWorld:
    """The demo world in the stack's database (created by the first test that needs it)."""
    return await seed_demo(settings)


@asynccontextmanager
async def session(settings: Settings) -> AsyncIterator[AsyncSession]:
    engine = create_async_engine(settings.database.sqlalchemy_url, pool_size=1)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as s:
            yield s
    finally:
        await engine.dispose()


def counts(stack: StackHandle, campaign_id: uuid.UUID) -> dict[str, int]:
    """Rows of the demo campaign in every table the seed writes, plus the demo accounts and worlds."""
    emails = [a.email for a in DEMO_ACCOUNTS]
    result: dict[str, int] = {}
    with psycopg.connect(stack.env["DATABASE_URL"], autocommit=True) as conn:
        for table in CAMPAIGN_TABLES:
            row = conn.execute(f"SELECT count(*) FROM {table} WHERE campaign_id = %s", (campaign_id,)).fetchone()
            result[table] = row[0] if row else 0
        for name, sql in {
            "users": "SELECT count(*) FROM users WHERE lower(email) = ANY(%s)",
            "worlds": "SELECT count(*) FROM worlds w JOIN users u ON u.id = w.owner_id WHERE lower(u.email) = ANY(%s)",
            "users_updated": "SELECT count(*) FROM users WHERE lower(email) = ANY(%s) AND updated_at > created_at",
        }.items():
            row = conn.execute(sql, (emails,)).fetchone()
            result[name] = int(row[0]) if row else 0
    return result


async def test_seeding_twice_changes_nothing(stack: StackHandle, settings: Settings, demo: DemoWorld) -> None:
    before = counts(stack, demo.campaign_id)
    assert before["audit_log"] > 300 and before["events"] >= 16 and before["effect_executions"] > 0

    again = await seed_demo(settings)
    assert not again.created
    assert (again.world_id, again.campaign_id, again.branches) == (demo.world_id, demo.campaign_id, demo.branches)
    assert counts(stack, demo.campaign_id) == before

    # the console script is the same no-op, and prints the accounts
    with anyio.fail_after(120):
        done = await anyio.run_process(
            [str(VENV_BIN / "campaign-api"), "seed-demo"],
            env={**os.environ, **stack.env, "APP_ENV": "test"},
            cwd=ROOT,
            check=False,
        )
    stdout = done.stdout.decode()
    assert done.returncode == 0, done.stderr.decode()
    assert "already loaded: nothing changed" in stdout
    for account in DEMO_ACCOUNTS:
        assert account.email in stdout and account.password in stdout
    assert counts(stack, demo.campaign_id) == before


async def test_production_refuses_without_force(stack: StackHandle) -> None:
    with pytest.raises(SeedRefused, match="APP_ENV=production"):
        await seed_demo(settings_for(stack, app_env="production"))
    with pytest.raises(SeedRefused):
        await reset_demo(settings_for(stack, app_env="production"))


def _by_name(states: list[EntityState]) -> dict[str, EntityState]:
    return {s.content["name"]: s for s in states}


async def test_the_world_has_what_the_issue_asks_for(settings: Settings, demo: DemoWorld) -> None:
    async with session(settings) as s:
        world = await s.get(World, demo.world_id)
        campaign = await s.get(Campaign, demo.campaign_id)
        assert world is not None and campaign is not None
        assert (world.name, campaign.name) == (WORLD_NAME, CAMPAIGN_NAME)
        calendar = Calendar.model_validate(world.calendar)
        assert calendar.name == "Kindled Reckoning" and calendar.leap_rules and len(calendar.eras) == 2
        assert world.map_bounds == [-20.0, -12.5, 20.0, 12.5]

        roles = dict((await s.execute(select(User.email, Membership.role).join(Membership))).all())
        assert {a.email: a.role for a in DEMO_ACCOUNTS}.items() <= roles.items()

        store = VersionStore(s)
        main = await store.branch(demo.branches["main"])
        assert main.world_time == parse(calendar, NOW)

        locations = await store.read_many(T.LOCATION, main)
        regions = [x for x in locations if x.content["kind"] == "REGION"]
        points = [x for x in locations if x.content["kind"] == "POINT"]
        assert (len(regions), len(points)) == (5, 25)
        realm = [r for r in regions if r.content["parent_id"] is None]
        assert len(realm) == 1  # provinces nest in the realm, places in the provinces
        region_ids = {str(r.entity_id) for r in regions}
        assert all(p.content["parent_id"] in region_ids - {str(realm[0].entity_id)} for p in points)

        kingdoms = await store.read_many(T.KINGDOM, main)
        settlements = await store.read_many(T.SETTLEMENT, main)
        structures = await store.read_many(T.STRUCTURE, main)
        assert (len(kingdoms), len(settlements), len(structures)) == (3, 9, 27)
        point_ids = {str(p.entity_id) for p in points}
        assert len({st.content["location_id"] for st in settlements}) == 9
        assert all(st.content["location_id"] in point_ids for st in settlements)
        assert Counter(st.content["kingdom_id"] for st in settlements) == Counter(
            {str(k.entity_id): 3 for k in kingdoms}
        )
        for st in settlements:
            schema = {v["name"]: v["type"] for v in st.content["variable_schemas"]}
            assert schema["treasury"] == "number" and schema["mood"] == "enum"
            assert isinstance(st.content["variables"]["treasury"], int | float)
        types = {x.content["structure_type"] for x in structures}
        assert {"temple", "inn", "market", "smithy", "watchtower"} <= types
        assert {x.content["level"] for x in structures} >= {1, 2, 3, 4, 5}

        parties = await store.read_many(T.PARTY, main)
        characters = await store.read_many(T.CHARACTER, main)
        assert len(parties) == 1
        members = [ch for ch in characters if ch.content["party_id"] == str(parties[0].entity_id)]
        assert len(members) == 4 and not any(ch.content["is_npc"] for ch in members)
        player = next(a for a in DEMO_ACCOUNTS if a.role == "PLAYER")
        assert [ch.content["owner_user_id"] for ch in members if ch.content["owner_user_id"]] == [
            str(demo.accounts[player.email])
        ]

        events = await store.read_many(T.EVENT, main)
        encounters = await store.read_many(T.ENCOUNTER, main)
        assert (len(events), len(encounters)) == (16, 12)
        assert all(x.content["scheduled_at"] is not None for x in [*events, *encounters])
        statuses = Counter(x.content["status"] for x in events)
        assert statuses["COMPLETED"] >= 5 and statuses["EXPIRED"] >= 2 and statuses["PLANNED"] >= 5
        assert Counter(x.content["status"] for x in encounters)["RESOLVED"] >= 4

        conditions = await store.read_many(T.CONDITION, main)
        reads = " ".join(str(x.content["expression"]) for x in conditions)
        for operator in ("party.level", "flags.", "var.", "'resolved'", "'inside'", "'daysSince'", "'entity'"):
            assert operator in reads, operator
        effects = await store.read_many(T.EFFECT, main)
        timings = Counter(x.content["timing"] for x in effects)
        assert timings["ON_RESOLVE"] >= 10 and timings["ON_EXPIRE"] >= 3 and timings["PRE"] >= 1
        assert sum(1 for x in effects if x.content["delay_seconds"]) >= 5

        variables = await store.read_many(T.STATE_VARIABLE, main)
        scopes = Counter(v.content["scope"] for v in variables)
        assert scopes["CAMPAIGN"] >= 5 and scopes["KINGDOM"] >= 3
        assert any(v.content["var_type"] == "DERIVED" and v.content["formula"] for v in variables)
        assert any(v.content["key"] == "treasury" and v.content["scope"] == "KINGDOM" for v in variables)

        secrets = await store.read_many(T.SECRET, main)
        revealed = [x for x in secrets if x.content["revealed_to"]]
        assert len(secrets) >= 5 and 1 <= len(revealed) < len(secrets)


async def test_what_if_branches_have_their_own_history(settings: Settings, demo: DemoWorld) -> None:
    assert set(demo.branches) == {"main", "thanes-refuse", "early-floods", "heroes-rise"}
    async with session(settings) as s:
        store = VersionStore(s)
        main = await store.branch(demo.branches["main"])
        branches = {name: await store.branch(ident) for name, ident in demo.branches.items()}
        for name, branch in branches.items():
            if name == "main":
                continue
            assert branch.parent_id == main.id and branch.world_time > branch.fork_time
            own = 0
            for spec in SPECS.values():
                own += len((await s.scalars(select(spec.model.id).where(spec.model.branch_id == branch.id))).all())
            assert own >= 3, f"{name} has no history of its own"
            # main changed after the fork too: the timelines really diverge
            model = SPECS[T.SETTLEMENT].model
            later = await s.scalars(
                select(model.id).where(model.branch_id == main.id, model.valid_from > branch.fork_time)
            )
            assert later.all(), f"main has no change after {name} forked"

        def named(states: list[EntityState], name: str) -> EntityState:
            return _by_name(states)[name]

        refuse, floods, heroes = branches["thanes-refuse"], branches["early-floods"], branches["heroes-rise"]
        stance = {
            b: named(await store.read_many(T.KINGDOM, branches[b]), "Greyspire Thanedom").content["variables"]["stance"]
            for b in ("main", "thanes-refuse")
        }
        assert stance == {"main": "wary", "thanes-refuse": "hostile"}
        assert named(await store.read_many(T.EVENT, floods), "The Mirefen Floods").content["status"] == "COMPLETED"
        assert named(await store.read_many(T.EVENT, main), "The Mirefen Floods").content["status"] == "PLANNED"
        levels = [c.content["level"] for c in await store.read_many(T.CHARACTER, heroes) if c.content["party_id"]]
        assert levels == [5, 5, 5, 5]
        watchfire = {
            b.name: named(
                await store.read_many(T.LOCATION, b), "Watchfire Tor" if b is main else "Watchfire Tor (new beacon)"
            )
            for b in (main, heroes)
        }
        assert watchfire["main"].content["geom"] != watchfire["heroes-rise"].content["geom"]
        assert refuse.world_time != main.world_time


async def test_links_form_an_acyclic_graph_without_dangling_references(settings: Settings, demo: DemoWorld) -> None:
    async with session(settings) as s:
        store = VersionStore(s)
        for name, branch_id in demo.branches.items():
            branch = await store.branch(branch_id)
            links = await store.read_many(T.LINK, branch)
            assert len(links) >= 15
            assert {x.content["kind"] for x in links} == {"PREREQUISITE", "BLOCKS", "TRIGGERS", "RELATED"}
            edges: dict[str, set[str]] = defaultdict(set)
            for link in links:
                c = link.content
                for end in ("source", "target"):
                    found = await store.read(c[f"{end}_type"], uuid.UUID(c[f"{end}_id"]), branch)
                    assert found is not None, f"{name}: link {link.entity_id} has a dangling {end}"
                edges[c["source_id"]].add(c["target_id"])
            assert not _cycle(edges), f"{name}: links form a cycle"

            # the API's dependency graph (conditions, effects, variables and links) as the rules engine sees it
            graph = await build_graph(store, branch)
            undeclared = {n for e in graph.edges for n in (e.source, e.target) if n not in graph.nodes}
            assert not undeclared, [graph.label(n) for n in undeclared]
            # oriented as the engine orders evaluation: what a condition reads flows into the condition
            adjacency: dict[str, set[str]] = defaultdict(set)
            for edge in graph.edges:
                source, target = (edge.target, edge.source) if edge.kind == "READS" else (edge.source, edge.target)
                adjacency[source.key].add(target.key)
            assert not _cycle(adjacency), f"{name}: the dependency graph has a cycle"
            assert {e.kind for e in graph.edges} >= {"READS", "DECIDES", "WRITES", "TRIGGERS", "PREREQUISITE"}


def _cycle(edges: dict[str, set[str]]) -> bool:
    state: dict[str, int] = {}

    def visit(node: str) -> bool:
        state[node] = 1
        for nxt in edges.get(node, ()):
            if state.get(nxt) == 1 or (nxt not in state and visit(nxt)):
                return True
        state[node] = 2
        return False

    return any(node not in state and visit(node) for node in list(edges))


async def test_the_map_image_is_a_png_in_s3(settings: Settings, demo: DemoWorld) -> None:
    assert demo.map_image_key
    storage = ObjectStorage(settings.s3)
    response = storage.client.get_object(storage.bucket, demo.map_image_key)
    try:
        data = response.read()
    finally:
        response.close()
        response.release_conn()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(data))
    image.verify()
    assert (image.format, image.size) == ("PNG", (WIDTH, HEIGHT))
    async with session(settings) as s:
        upload = await s.scalar(select(Upload).where(Upload.s3_key == demo.map_image_key))
    assert upload is not None and upload.owner_id == demo.world_id
    assert (upload.content_type, upload.size, upload.checksum) == (
        "image/png",
        len(data),
        hashlib.sha256(data).hexdigest(),
    )


async def test_reset_removes_the_demo_and_seeds_it_again(
    stack: StackHandle, settings: Settings, demo: DemoWorld
) -> None:
    current = await seed_demo(settings)  # earlier tests may have reset already: start from what is there
    before = counts(stack, current.campaign_id)
    fresh = await reset_demo(settings)
    assert fresh.created and fresh.world_id != current.world_id and fresh.campaign_id != current.campaign_id
    assert fresh.map_image_key != current.map_image_key
    async with session(settings) as s:
        assert await s.get(World, current.world_id) is None
        assert await s.get(Campaign, current.campaign_id) is None
        assert (await s.scalar(select(Branch.id).where(Branch.campaign_id == current.campaign_id))) is None
    assert counts(stack, fresh.campaign_id) == before
    storage = ObjectStorage(settings.s3)
    assert storage.client.stat_object(storage.bucket, fresh.map_image_key or "").size
    names = {o.object_name for o in storage.client.list_objects(storage.bucket, prefix="worlds/", recursive=True)}
    assert current.map_image_key not in names
    assert not (await seed_demo(settings)).created
    assert await _world_names(settings) == [WORLD_NAME]


async def _world_names(settings: Settings) -> list[str]:
    owner = DEMO_ACCOUNTS[0]
    async with session(settings) as s:
        rows = await s.scalars(
            select(World.name).join(User, User.id == World.owner_id).where(User.email == owner.email)
        )
        return list(rows)
