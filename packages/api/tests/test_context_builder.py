"""The rule context builder against a real PostgreSQL + PostGIS: facts found by analysis, fetched in
batches (SQL statements counted), branch- and time-aware, never another campaign's; field evaluation
semantics (priority, first non-null, defaults, failures) with the local evaluator; the graph builder."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from campaign_api.db.migrate import upgrade
from campaign_api.db.models import Branch, User
from campaign_api.domain.service import DomainService
from campaign_api.rules.context import build_context
from campaign_api.rules.evaluate import evaluate_fields
from campaign_api.rules.graph import analyse_graph
from campaign_api.rules.graph_build import Edge, Node, build_graph
from campaign_api.rules.operators import install
from campaign_api.rules.relations import Owner
from campaign_api.rules_client import EngineUnavailable, RulesEngineClient
from campaign_shared.calendar import get_preset, parse
from campaign_shared.messages import EntityType as T
from campaign_shared.settings import DatabaseSettings, RulesEngineClientSettings, Settings
from devstack import ensure_database, free_port

PG = "postgresql://postgres@127.0.0.1:5432"
NAME = "campaign_rules_context_test"
GREGORIAN = get_preset("gregorian")
START = parse(GREGORIAN, "1200-03-01 08:00")
SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]]}


def point(lon: float, lat: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [lon, lat]}


@pytest.fixture(scope="module", autouse=True)
def domain_operators() -> None:
    """Installed as the API does when it starts (condition expressions are validated with them)."""
    install()


@pytest.fixture(scope="module")
async def engine() -> AsyncIterator[AsyncEngine]:
    ensure_database(f"{PG}/postgres", NAME, recreate=True)
    settings = Settings(database=DatabaseSettings(url=f"{PG}/{NAME}"))
    upgrade(settings)
    eng = create_async_engine(settings.database.sqlalchemy_url, pool_size=5)
    yield eng
    await eng.dispose()


@pytest.fixture(scope="module")
def uow(engine: AsyncEngine) -> Any:
    factory = async_sessionmaker(engine, expire_on_commit=False)

    @asynccontextmanager
    async def unit(actor: uuid.UUID | None = None) -> AsyncIterator[DomainService]:
        async with factory() as session, session.begin():
            yield DomainService(session, actor)

    return unit


@contextmanager
def counted(engine: AsyncEngine) -> Iterator[list[str]]:
    """SQL statements the engine executes inside the block."""
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def new_campaign(uow: Any) -> tuple[Branch, uuid.UUID]:
    async with uow() as svc:
        user = User(email=f"gm-{uuid.uuid4().hex[:8]}@example.test", name="GM", password_hash="x")
        svc.session.add(user)
        await svc.session.flush()
        svc.actor_id = user.id
        world = await svc.create_world(user.id, "World", "", "gregorian")
        _, main = await svc.create_campaign(world, "Campaign", start_time=START)
    return main, user.id


async def create(uow: Any, actor: uuid.UUID, branch: Branch, etype: T, **fields: Any) -> uuid.UUID:
    async with uow(actor) as svc:
        return (await svc.create(etype, branch.id, fields)).entity_id


async def test_fifty_entity_lookups_are_one_query(uow: Any, engine: AsyncEngine) -> None:
    main, actor = await new_campaign(uow)
    async with uow(actor) as svc:
        ids = [
            str((await svc.create(T.SETTLEMENT, main.id, {"name": f"Town {n}", "level": 1 + n % 10})).entity_id)
            for n in range(50)
        ]
        event_id = (await svc.create(T.EVENT, main.id, {"name": "Census"})).entity_id
    rule = {"+": [{"entity": ["settlement", ident, "level"]} for ident in ids]}
    async with uow(actor) as svc:
        with counted(engine) as statements:
            context = await build_context(svc.store, main, None, Owner(T.EVENT, event_id), [rule])
        assert len(context.data["entity"]["SETTLEMENT"]) == 50
        assert len(statements) <= 3, statements  # campaign + world, then all 50 settlements at once
        with counted(engine) as statements:
            [available, *_] = await evaluate_fields(svc, main, T.EVENT, event_id, None, "available")
        assert available.value is True and available.source == "default"
        assert len(statements) <= 2, statements  # no condition: nothing else is read
        await svc.create(
            T.CONDITION,
            main.id,
            {"owner_type": "EVENT", "owner_id": str(event_id), "field": "population", "expression": rule},
        )
        with counted(engine) as statements:
            results = await evaluate_fields(svc, main, T.EVENT, event_id)
        assert len(statements) <= 5, statements  # conditions, campaign, settlements (+ savepoint noise)
    assert {r.field: r.value for r in results}["population"] == sum(1 + n % 10 for n in range(50))


async def test_owner_relations_variables_and_flags(uow: Any) -> None:
    main, actor = await new_campaign(uow)
    kingdom = await create(uow, actor, main, T.KINGDOM, name="Brevoy", level=3)
    settlement = await create(uow, actor, main, T.SETTLEMENT, name="Hub", level=5, kingdom_id=str(kingdom))
    temple = await create(
        uow, actor, main, T.STRUCTURE, name="Temple", settlement_id=str(settlement), structure_type="temple"
    )
    party = await create(uow, actor, main, T.PARTY, name="Heroes")
    for level in (3, 4, 6):
        await create(uow, actor, main, T.CHARACTER, name=f"Hero {level}", level=level, party_id=str(party))
    scope = {"scope": "STRUCTURE", "scope_id": str(temple)}
    await create(uow, actor, main, T.STATE_VARIABLE, **scope, key="gold", var_type="INTEGER", value=40)
    await create(
        uow,
        actor,
        main,
        T.STATE_VARIABLE,
        **scope,
        key="tax",
        var_type="DERIVED",
        formula={"*": [{"var": "var.gold"}, 0.25]},
    )
    await create(
        uow,
        actor,
        main,
        T.STATE_VARIABLE,
        scope="CAMPAIGN",
        scope_id=str(main.campaign_id),
        key="war",
        var_type="BOOLEAN",
        value=True,
    )
    rule = {
        "and": [
            {"var": "structure.name"},
            {"var": "settlement.level"},
            {"var": "kingdom.level"},
            {"var": "party.level"},
            {"var": "var.tax"},
            {"var": "flags.war"},
            {"var": "world.time"},
            {"var": "branch.name"},
            {"var": "campaign.name"},
            {"some": [{"var": "settlement.structures"}, {"==": [{"var": "structure_type"}, "temple"]}]},
        ]
    }
    async with uow(actor) as svc:
        context = await build_context(svc.store, main, None, Owner(T.STRUCTURE, temple), [rule])
    data = context.data
    assert data["structure"]["name"] == "Temple" and data["settlement"]["level"] == 5 and data["kingdom"]["level"] == 3
    assert data["party"]["level"] == 4 and len(data["party"]["members"]) == 3  # the only party; mean 13/3 rounded
    assert data["var"] == {"gold": 40, "tax": 10.0} and data["flags"] == {"war": True}
    assert (
        data["world"]["time"] == START and data["branch"]["name"] == "main" and data["campaign"]["name"] == "Campaign"
    )
    assert [s["structure_type"] for s in data["settlement"]["structures"]] == ["temple"]
    # each rule is sent only what it reads: the engine's cache key hashes exactly that
    assert context.for_rule(0)["settlement"].keys() == {"level", "structures"}
    assert context.for_rule(0)["var"] == {"tax": 10.0}
    assert "calendar" not in context.for_rule(0)["world"]
    async with uow(actor) as svc:
        unrelated = await build_context(svc.store, main, None, Owner(T.STRUCTURE, temple), [{"var": "var.gold"}])
    assert set(unrelated.data) == {"world", "campaign", "branch", "var", "entity", "facts"}  # no related entities read


async def test_spatial_resolved_and_time_facts(uow: Any) -> None:
    main, actor = await new_campaign(uow)
    region = await create(uow, actor, main, T.LOCATION, name="Vale", kind="REGION", geom=SQUARE)
    inner = await create(uow, actor, main, T.LOCATION, name="Inn", kind="POINT", geom=point(1, 1))
    outer = await create(uow, actor, main, T.LOCATION, name="Far", kind="POINT", geom=point(0, 3))
    town = await create(uow, actor, main, T.SETTLEMENT, name="Town", location_id=str(inner))
    done = await create(uow, actor, main, T.EVENT, name="Done", status="COMPLETED", occurred_at=START - 40 * 86_400)
    open_ = await create(uow, actor, main, T.ENCOUNTER, name="Open", location_id=str(outer))
    won = await create(uow, actor, main, T.ENCOUNTER, name="Won", status="RESOLVED")
    rules = [
        {"inside": [str(inner), str(region)]},
        {"inside": [str(outer), str(region)]},
        {"inside": [str(town), str(region)]},  # a settlement stands for its location
        {"distance": [str(inner), str(outer)]},
        {"inside": [{"var": "encounter.location_id"}, str(region)]},  # computed id, fetched in a second round
        {"and": [{"resolved": str(done)}, {"resolved": str(won)}, {"!": {"resolved": str(open_)}}]},
        {"resolved": str(uuid.uuid4())},
        {"daysSince": {"entity": ["event", str(done), "occurred_at"]}},
        {"monthsSince": {"entity": ["event", str(done), "occurred_at"]}},
    ]
    async with uow(actor) as svc:
        context = await build_context(svc.store, main, None, Owner(T.ENCOUNTER, open_), rules)
        results = [
            r.value
            for r in await evaluate_fields(svc, main, T.ENCOUNTER, open_)
            if r.field not in ("available", "visible")
        ]
    from campaign_shared.grpc.evaluation import evaluate

    values = [evaluate(rule, context.for_rule(i), explain=False) for i, rule in enumerate(rules)]
    assert all(v.ok for v in values), values
    decoded = [v.value_json for v in values]
    assert decoded[:3] == ["true", "false", "true"]
    assert 240_000 < float(decoded[3]) < 260_000  # (1°, 2°) apart near the equator, EPSG:3857 metres
    assert decoded[4:7] == ["false", "true", "false"]
    assert decoded[7:] == ["40", "1"]
    assert results == []  # no condition yet


async def test_branches_and_times_and_other_campaigns(uow: Any) -> None:
    main, actor = await new_campaign(uow)
    other, other_actor = await new_campaign(uow)
    town = await create(uow, actor, main, T.SETTLEMENT, name="Town", level=2)
    foreign = await create(uow, other_actor, other, T.SETTLEMENT, name="Elsewhere", level=9)
    async with uow(actor) as svc:
        current = await svc.store.require(T.SETTLEMENT, town, main)
        await svc.update(T.SETTLEMENT, town, main.id, {"level": 3}, expected_version=current.version, at=START + 100)
        fork = await svc.fork(main.id, "what-if", at=START + 200)
        await svc.update(T.SETTLEMENT, town, fork.id, {"level": 7}, expected_version=None, at=START + 300)
    rule = [{"entity": ["settlement", str(town), "level"]}, {"entity": ["settlement", str(foreign), "level"]}]

    async def levels(branch: Branch, at: int | None) -> list[Any]:
        async with uow(actor) as svc:
            branch = await svc.store.branch(branch.id)
            context = await build_context(svc.store, branch, at, None, [rule])
        table = context.data["entity"].get("SETTLEMENT", {})
        return [table.get(str(town), {}).get("level"), table.get(str(foreign), {}).get("level")]

    assert await levels(main, START) == [2, None]  # the other campaign's settlement is never read
    assert await levels(main, START + 150) == [3, None]
    assert await levels(fork, START + 250) == [3, None]  # inherited from main up to the fork
    assert await levels(fork, START + 300) == [7, None]


async def test_field_semantics(uow: Any) -> None:
    main, actor = await new_campaign(uow)
    fair = await create(uow, actor, main, T.EVENT, name="Fair")

    async def condition(field: str, expression: Any, priority: int = 0, active: bool = True) -> uuid.UUID:
        return await create(
            uow,
            actor,
            main,
            T.CONDITION,
            owner_type="EVENT",
            owner_id=str(fair),
            field=field,
            expression=expression,
            priority=priority,
            active=active,
        )

    low = await condition("available", True, priority=1)
    high = await condition("available", {"var": "nothing.here"}, priority=5)  # null: no opinion
    await condition("available", False, priority=9, active=False)  # inactive: ignored
    await condition("visible", {"/": [1, "x"]})  # fails → visible is false
    await condition("danger", {"+": [1, 2]}, priority=2)
    await condition("danger", 10, priority=1)
    async with uow(actor) as svc:
        results = {r.field: r for r in await evaluate_fields(svc, main, T.EVENT, fair, explain=True)}
        only = await evaluate_fields(svc, main.id, T.EVENT, fair, None, "available")
    assert [r.field for r in only] == ["available"]
    assert results["available"].value is True and results["available"].condition_ids == [str(high), str(low)]
    assert results["available"].source == "fallback"
    assert [entry["value"] for entry in results["available"].trace] == [None, True]
    assert results["visible"].value is False and results["visible"].errors
    assert results["danger"].value == 3  # highest priority wins
    assert list(results) == ["available", "visible", "danger"]


async def test_graph_builder_reads_one_campaign(uow: Any) -> None:
    main, actor = await new_campaign(uow)
    other, other_actor = await new_campaign(uow)
    hub = await create(uow, actor, main, T.SETTLEMENT, name="Hub", level=2)
    gold = await create(
        uow,
        actor,
        main,
        T.STATE_VARIABLE,
        scope="SETTLEMENT",
        scope_id=str(hub),
        key="gold",
        var_type="INTEGER",
        value=5,
    )
    fair = await create(uow, actor, main, T.EVENT, name="Fair")
    cond = await create(
        uow,
        actor,
        main,
        T.CONDITION,
        owner_type="SETTLEMENT",
        owner_id=str(hub),
        field="rich",
        expression={"and": [{">": [{"var": "var.gold"}, 3]}, {"resolved": str(fair)}, {"var": "var.ghost"}]},
    )
    effect = await create(
        uow,
        actor,
        main,
        T.EFFECT,
        owner_type="EVENT",
        owner_id=str(fair),
        target_type="SETTLEMENT",
        target_id=str(hub),
        operations=[{"op": "replace", "path": "/level", "value": 3}],
    )
    foreign = await create(uow, other_actor, other, T.EVENT, name="Elsewhere")
    async with uow(actor) as svc:
        graph = await build_graph(svc.store, main)
    ids = {node.id for node in graph.nodes} | {n.id for e in graph.edges for n in (e.source, e.target)}
    assert str(foreign) not in ids and all(str(other.campaign_id) not in i for i in ids)
    hub_level = Node("ENTITY_FIELD", f"SETTLEMENT:{hub}.level")
    assert Edge(Node("CONDITION", str(cond)), Node("VARIABLE", str(gold)), "READS") in graph.edges
    assert Edge(Node("CONDITION", str(cond)), Node("EVENT", str(fair)), "READS") in graph.edges
    assert Edge(Node("CONDITION", str(cond)), Node("ENTITY_FIELD", f"SETTLEMENT:{hub}.rich"), "DECIDES") in graph.edges
    assert Edge(Node("EVENT", str(fair)), Node("EFFECT", str(effect)), "TRIGGERS") in graph.edges
    assert Edge(Node("EFFECT", str(effect)), hub_level, "WRITES") in graph.edges
    assert graph.nodes[hub_level] == "settlement Hub.level"
    assert graph.nodes[Node("CONDITION", str(cond))] == "condition settlement Hub.rich"
    ghost = Node("VARIABLE", f"SETTLEMENT:{hub}:ghost")
    assert Edge(Node("CONDITION", str(cond)), ghost, "READS") in graph.edges and ghost not in graph.nodes
    assert graph.label(ghost) == "var ghost of settlement Hub (undefined)"


async def test_without_the_engine_fields_fall_back_and_the_graph_says_so(uow: Any) -> None:
    main, actor = await new_campaign(uow)
    region = await create(uow, actor, main, T.LOCATION, name="Vale", kind="REGION", geom=SQUARE)
    inn = await create(uow, actor, main, T.LOCATION, name="Inn", kind="POINT", geom=point(1, 1))
    fair = await create(uow, actor, main, T.EVENT, name="Fair", location_id=str(inn))
    await create(
        uow,
        actor,
        main,
        T.CONDITION,
        owner_type="EVENT",
        owner_id=str(fair),
        field="available",
        expression={"inside": [{"var": "event.location_id"}, str(region)]},
    )
    client = RulesEngineClient(RulesEngineClientSettings(host="127.0.0.1", port=free_port(), timeout_ms=300))
    try:
        async with uow(actor) as svc:
            [available] = await evaluate_fields(svc, main, T.EVENT, fair, None, "available", rules_client=client)
            graph = await build_graph(svc.store, main)
        assert available.value is True and available.source == "fallback" and not available.errors
        with pytest.raises(EngineUnavailable) as caught:
            await analyse_graph(graph, client)
        assert caught.value.reason == "unavailable"
    finally:
        client.close()
