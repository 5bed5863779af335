"""Spatial storage and queries as of (branch, time); derived state variables."""

from __future__ import annotations

from typing import Any

import pytest

from campaign_api.domain import spatial_queries as spatial
from campaign_api.domain.state_variables import scope_values
from campaign_api.errors import ValidationFailed
from campaign_shared.messages import EntityType as T

SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]]}
MOVED = {"type": "Polygon", "coordinates": [[[10, 10], [12, 10], [12, 12], [10, 12], [10, 10]]]}


def _point(lon: float, lat: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [lon, lat]}


async def test_geojson_round_trip_and_invalid_geometry(uow: Any, campaign: Any) -> None:
    _, main, actor = campaign
    async with uow(actor) as svc:
        region = await svc.create(T.LOCATION, main.id, {"name": "Vale", "kind": "REGION", "geom": SQUARE})
    assert region.content["geom"]["type"] == "Polygon"
    coords = region.content["geom"]["coordinates"][0]
    assert all(
        abs(a - b) < 1e-6
        for p, q in zip(coords, SQUARE["coordinates"][0], strict=True)
        for a, b in zip(p, q, strict=True)
    )
    bad = [
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}, "UNCLOSED_RING"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]]}, "INVALID"),
        ({"type": "Point", "coordinates": [float("nan"), 1]}, "WRONG_TYPE"),
        (_point(1, 1), "WRONG_TYPE"),
        ({"type": "Polygon"}, "NOT_GEOJSON"),
    ]
    for geometry, reason in bad:
        with pytest.raises(ValidationFailed) as err:
            async with uow(actor) as svc:
                await svc.create(T.LOCATION, main.id, {"name": "Bad", "kind": "REGION", "geom": geometry})
        assert err.value.details["reason"] == reason, geometry
    with pytest.raises(ValidationFailed) as err:
        async with uow(actor) as svc:
            await svc.create(T.LOCATION, main.id, {"name": "Bad", "kind": "POINT", "geom": _point(float("inf"), 1)})
    assert err.value.details["reason"] == "NOT_FINITE"


async def test_spatial_queries_follow_branch_and_time(uow: Any, campaign: Any) -> None:
    _, main, actor = campaign
    async with uow(actor) as svc:
        region = await svc.create(T.LOCATION, main.id, {"name": "Vale", "kind": "REGION", "geom": SQUARE})
        town = await svc.create(
            T.LOCATION,
            main.id,
            {"name": "Town", "kind": "POINT", "geom": _point(1, 1), "parent_id": str(region.entity_id)},
        )
        far = await svc.create(T.LOCATION, main.id, {"name": "Far", "kind": "POINT", "geom": _point(50, 50)})
        other = await svc.create(
            T.LOCATION,
            main.id,
            {
                "name": "Fen",
                "kind": "REGION",
                "geom": {"type": "Polygon", "coordinates": [[[1, 1], [3, 1], [3, 3], [1, 3], [1, 1]]]},
            },
        )
        child = await svc.fork(main.id, "moved", at=1000)
        await svc.advance_time(child.id, 2000)
        await svc.update(T.LOCATION, region.entity_id, child.id, {"geom": MOVED}, expected_version=1)
    async with uow(actor) as svc:
        main_b, child_b = await svc.store.branch(main.id), await svc.store.branch(child.id)
        layer = await spatial.map_layer(svc.store, main_b, None, [-1, -1, 5, 5])
        assert {s.entity_id for s in layer} == {region.entity_id, town.entity_id, other.entity_id}
        inside = await spatial.inside_region(svc.store, main_b, region.entity_id, None)
        assert {s.entity_id for s in inside} == {town.entity_id}
        overlaps = await spatial.overlapping(svc.store, main_b, region.entity_id, None)
        assert {s.entity_id for s in overlaps} == {other.entity_id}
        near = await spatial.locations_near(svc.store, main_b, None, [1.0, 1.001], 500)
        assert {s.entity_id for s in near} >= {town.entity_id} and far.entity_id not in {s.entity_id for s in near}
        # in the child the region moved away at 2000, but not before
        assert await spatial.inside_region(svc.store, child_b, region.entity_id, 2000) == []
        before = await spatial.inside_region(svc.store, child_b, region.entity_id, 1500)
        assert {s.entity_id for s in before} == {town.entity_id}
        moved_layer = await spatial.map_layer(svc.store, child_b, 2000, [9, 9, 13, 13])
        assert {s.entity_id for s in moved_layer} == {region.entity_id}
        fc = spatial.feature_collection(moved_layer)
        assert fc["type"] == "FeatureCollection" and fc["features"][0]["geometry"]["type"] == "Polygon"


async def test_location_parents_must_not_cycle(uow: Any, campaign: Any) -> None:
    _, main, actor = campaign
    async with uow(actor) as svc:
        a = await svc.create(T.LOCATION, main.id, {"name": "A", "kind": "REGION", "geom": SQUARE})
        b = await svc.create(
            T.LOCATION,
            main.id,
            {"name": "B", "kind": "REGION", "geom": SQUARE, "parent_id": str(a.entity_id)},
        )
    with pytest.raises(ValidationFailed, match="cycle"):
        async with uow(actor) as svc:
            await svc.update(T.LOCATION, a.entity_id, main.id, {"parent_id": str(b.entity_id)}, expected_version=1)


async def test_derived_variables_and_cycles(uow: Any, campaign: Any) -> None:
    _, main, actor = campaign
    async with uow(actor) as svc:
        k = await svc.create(T.KINGDOM, main.id, {"name": "Aldmere"})
        scope = {"scope": "KINGDOM", "scope_id": str(k.entity_id)}
        await svc.create(T.STATE_VARIABLE, main.id, {**scope, "key": "gold", "var_type": "INTEGER", "value": 40})
        await svc.create(
            T.STATE_VARIABLE,
            main.id,
            {**scope, "key": "tax", "var_type": "DERIVED", "formula": {"*": [{"var": "var.gold"}, 0.25]}},
        )
        await svc.create(
            T.STATE_VARIABLE,
            main.id,
            {**scope, "key": "rich", "var_type": "DERIVED", "formula": {">": [{"var": "var.tax"}, 5]}},
        )
    async with uow(actor) as svc:
        branch = await svc.store.branch(main.id)
        assert await scope_values(svc.store, branch, "KINGDOM", k.entity_id) == {
            "gold": 40,
            "tax": 10.0,
            "rich": True,
        }
        await svc.create(
            T.STATE_VARIABLE,
            main.id,
            {**scope, "key": "a", "var_type": "DERIVED", "formula": {"var": "var.b"}},
        )
        await svc.create(
            T.STATE_VARIABLE,
            main.id,
            {**scope, "key": "b", "var_type": "DERIVED", "formula": {"var": "var.a"}},
        )
        with pytest.raises(ValidationFailed) as err:
            await scope_values(svc.store, branch, "KINGDOM", k.entity_id)
        assert err.value.details["cycle"] == ["a", "b", "a"]
