"""The GraphQL contract of SPEC §8.1 over HTTP: names, scalars, CRUD, history, branches, merges, errors."""

from __future__ import annotations

from typing import Any

import pytest

SETTLEMENT = "id version name level population kingdomId locationId validFrom gmNotes"


def code_of(excinfo: pytest.ExceptionInfo[AssertionError]) -> str:
    return excinfo.value.code  # type: ignore[attr-defined,no-any-return]


def test_campaign_starts_with_main_branch_in_world_time(table: Any) -> None:
    data = table.owner.q(
        "query($id: ID!) { campaign(id: $id) { name myRole mainBranch { name worldTime } } }", {"id": table.campaign_id}
    )["campaign"]
    assert data["myRole"] == "OWNER"
    assert data["mainBranch"] == {"name": "main", "worldTime": "1200-03-01 08:00:00"}
    assert table.gm.q("{ campaigns { id myRole } }")["campaigns"] == [{"id": table.campaign_id, "myRole": "GM"}]


def test_entity_crud_with_expected_version(table: Any) -> None:
    gm = table.gm
    kingdom = gm.q(
        "mutation($i: CreateKingdomInput!) { createKingdom(input: $i) { id version level } }",
        {"i": {"campaignId": table.campaign_id, "name": "Aldmere", "level": 3}},
    )["createKingdom"]
    location = gm.q(
        "mutation($i: CreateLocationInput!) { createLocation(input: $i) { id kind geometry } }",
        {
            "i": {
                "campaignId": table.campaign_id,
                "name": "Brindle",
                "kind": "POINT",
                "geometry": {"type": "Point", "coordinates": [4.5, 51.2]},
            }
        },
    )["createLocation"]
    assert location["kind"] == "POINT" and location["geometry"]["coordinates"] == pytest.approx([4.5, 51.2])
    created = gm.q(
        f"mutation($i: CreateSettlementInput!) {{ createSettlement(input: $i) {{ {SETTLEMENT} }} }}",
        {
            "i": {
                "campaignId": table.campaign_id,
                "branchId": table.main_branch_id,
                "kingdomId": kingdom["id"],
                "locationId": location["id"],
                "name": "Brindle",
                "level": 2,
                "population": 1200,
                "gmNotes": "the mayor is a spy",
            }
        },
    )["createSettlement"]
    assert created["version"] == 1 and created["validFrom"] == "1200-03-01 08:00:00"
    update = f"""mutation($id: ID!, $b: ID!, $i: UpdateSettlementInput!, $at: WorldTime) {{
        updateSettlement(id: $id, branchId: $b, input: $i, at: $at) {{ {SETTLEMENT} }} }}"""
    updated = gm.q(
        update, {"id": created["id"], "b": table.main_branch_id, "i": {"population": 1500, "expectedVersion": 1}}
    )["updateSettlement"]
    assert updated["version"] == 2 and updated["population"] == 1500
    with pytest.raises(AssertionError) as err:
        gm.q(update, {"id": created["id"], "b": table.main_branch_id, "i": {"population": 1, "expectedVersion": 1}})
    assert code_of(err) == "CONFLICT"
    # players read the player view: no GM notes
    seen = table.player.q(
        "query($c: ID!) { settlements(campaignId: $c) { id name gmNotes } }", {"c": table.campaign_id}
    )["settlements"]
    assert seen == [{"id": created["id"], "name": "Brindle", "gmNotes": None}]
    deleted = gm.q(
        "mutation($id: ID!, $b: ID!) { deleteSettlement(id: $id, branchId: $b) { deleted } }",
        {"id": created["id"], "b": table.main_branch_id},
    )["deleteSettlement"]
    assert deleted["deleted"] is True
    assert gm.q("query($c: ID!) { settlements(campaignId: $c) { id } }", {"c": table.campaign_id})["settlements"] == []
    gm.q(
        "mutation($id: ID!, $b: ID!) { restoreSettlement(id: $id, branchId: $b) { id } }",
        {"id": created["id"], "b": table.main_branch_id},
    )
    history = gm.q(
        "query($id: ID!, $b: ID!) { entityHistory(type: SETTLEMENT, id: $id, branchId: $b) { version deleted } }",
        {"id": created["id"], "b": table.main_branch_id},
    )["entityHistory"]
    assert [(h["version"], h["deleted"]) for h in history] == [(1, False), (2, False), (3, True), (4, False)]
    diff = gm.q(
        """query($id: ID!, $b: ID!) { versionDiff(type: SETTLEMENT, id: $id, branchId: $b, fromVersion: 1,
                   toVersion: 2) { path before after } }""",
        {"id": created["id"], "b": table.main_branch_id},
    )
    assert diff["versionDiff"] == [{"path": "/population", "before": 1200, "after": 1500}]
    generic = gm.q("query($id: ID!) { entity(type: SETTLEMENT, id: $id) }", {"id": created["id"]})["entity"]
    assert generic["name"] == "Brindle" and generic["version"] == 4


def test_world_time_scalar_accepts_calendar_text_and_seconds(table: Any) -> None:
    advance = "mutation($b: ID!, $to: WorldTime!, $v: Int) { advanceWorldTime(branchId: $b, to: $to, expectedVersion: $v) { worldTime version } }"
    moved = table.gm.q(advance, {"b": table.main_branch_id, "to": "1200-04-01", "v": 1})["advanceWorldTime"]
    assert moved == {"worldTime": "1200-04-01 00:00:00", "version": 2}
    with pytest.raises(AssertionError) as err:
        table.gm.q(advance, {"b": table.main_branch_id, "to": "1200-02-30"})
    assert code_of(err) == "VALIDATION_FAILED"
    with pytest.raises(AssertionError) as err:
        table.gm.q(advance, {"b": table.main_branch_id, "to": "1100-01-01"})
    assert code_of(err) == "VALIDATION_FAILED"
    with pytest.raises(AssertionError) as err:
        table.gm.q(advance, {"b": table.main_branch_id, "to": "1201-01-01", "v": 1})
    assert code_of(err) == "CONFLICT"


def test_fork_edit_merge_with_conflict_resolution(table: Any) -> None:
    gm = table.gm
    k = gm.q(
        "mutation($i: CreateKingdomInput!) { createKingdom(input: $i) { id } }",
        {"i": {"campaignId": table.campaign_id, "name": "Aldmere", "level": 2}},
    )["createKingdom"]
    fork = gm.q(
        "mutation($i: ForkBranchInput!) { forkBranch(input: $i) { id name forkTime worldTime } }",
        {"i": {"parentId": table.main_branch_id, "name": "what-if"}},
    )["forkBranch"]
    assert fork["forkTime"] == fork["worldTime"] == "1200-03-01 08:00:00"
    advance = "mutation($b: ID!, $to: WorldTime!) { advanceWorldTime(branchId: $b, to: $to) { id } }"
    for branch in (table.main_branch_id, fork["id"]):
        gm.q(advance, {"b": branch, "to": "1200-05-01"})
    update = "mutation($id: ID!, $b: ID!, $i: UpdateKingdomInput!) { updateKingdom(id: $id, branchId: $b, input: $i) { level } }"
    gm.q(update, {"id": k["id"], "b": fork["id"], "i": {"level": 5, "description": "grown"}})
    gm.q(update, {"id": k["id"], "b": table.main_branch_id, "i": {"level": 4}})
    preview = gm.q(
        """query($s: ID!, $t: ID!) { mergePreview(sourceBranchId: $s, targetBranchId: $t) {
        conflicts { entityType entityId path base ours theirs } changes { entityId action } } }""",
        {"s": fork["id"], "t": table.main_branch_id},
    )["mergePreview"]
    assert preview["conflicts"] == [
        {"entityType": "KINGDOM", "entityId": k["id"], "path": "/level", "base": 2, "ours": 4, "theirs": 5}
    ]
    merge = "mutation($i: MergeBranchInput!) { mergeBranch(input: $i) { written } }"
    with pytest.raises(AssertionError) as err:
        gm.q(merge, {"i": {"sourceBranchId": fork["id"], "targetBranchId": table.main_branch_id}})
    assert code_of(err) == "VALIDATION_FAILED"
    gm.q(
        merge,
        {
            "i": {
                "sourceBranchId": fork["id"],
                "targetBranchId": table.main_branch_id,
                "resolutions": [{"entityType": "KINGDOM", "entityId": k["id"], "path": "/level", "value": 6}],
            }
        },
    )
    merged = gm.q("query($c: ID!) { kingdoms(campaignId: $c) { level description } }", {"c": table.campaign_id})[
        "kingdoms"
    ]
    assert merged == [{"level": 6, "description": "grown"}]


def test_errors_have_stable_codes_and_do_not_leak(table: Any, anonymous: Any) -> None:
    with pytest.raises(AssertionError) as err:
        anonymous.q("{ campaigns { id } }")
    assert code_of(err) == "UNAUTHENTICATED"
    with pytest.raises(AssertionError) as err:
        table.player.q(
            "mutation($i: CreateKingdomInput!) { createKingdom(input: $i) { id } }",
            {"i": {"campaignId": table.campaign_id, "name": "Nope"}},
        )
    assert code_of(err) == "FORBIDDEN"
    with pytest.raises(AssertionError) as err:
        table.outsider.q("query($id: ID!) { campaign(id: $id) { name } }", {"id": table.campaign_id})
    assert code_of(err) == "NOT_FOUND"
    with pytest.raises(AssertionError) as err:
        table.gm.q(
            "mutation($i: CreateSettlementInput!) { createSettlement(input: $i) { id } }",
            {"i": {"campaignId": table.campaign_id, "name": "X", "level": 42}},
        )
    assert code_of(err) == "VALIDATION_FAILED"
    assert err.value.errors[0]["extensions"]["details"]["field"] == "level"  # type: ignore[attr-defined]
    with pytest.raises(AssertionError) as err:
        table.gm.q("query($id: ID!) { entity(type: KINGDOM, id: $id) }", {"id": "not-a-uuid"})
    assert code_of(err) == "NOT_FOUND"


def test_player_view_hides_gm_only_content(table: Any) -> None:
    gm = table.gm
    event = gm.q(
        "mutation($i: CreateEventInput!) { createEvent(input: $i) { id } }",
        {"i": {"campaignId": table.campaign_id, "name": "The Omen", "eventType": "STORY"}},
    )["createEvent"]
    gm.q(
        "mutation($i: CreateEventInput!) { createEvent(input: $i) { id } }",
        {"i": {"campaignId": table.campaign_id, "name": "Secret plot", "hidden": True}},
    )
    gm.q(
        "mutation($i: CreateConditionInput!) { createCondition(input: $i) { id } }",
        {
            "i": {
                "entityType": "EVENT",
                "entityId": event["id"],
                "field": "available",
                "expression": {">=": [{"var": "party.level"}, 3]},
                "priority": 1,
            }
        },
    )
    for client in (table.player, table.viewer):
        events = client.q("query($c: ID!) { events(campaignId: $c) { name } }", {"c": table.campaign_id})["events"]
        assert events == [{"name": "The Omen"}]
        assert (
            client.q("query($c: ID!) { conditions(campaignId: $c) { id } }", {"c": table.campaign_id})["conditions"]
            == []
        )
    assert (
        len(gm.q("query($c: ID!) { conditions(campaignId: $c) { id } }", {"c": table.campaign_id})["conditions"]) == 1
    )
    assert len(gm.q("query($c: ID!) { events(campaignId: $c) { id } }", {"c": table.campaign_id})["events"]) == 2


def test_map_layer_is_geojson_in_wgs84(table: Any) -> None:
    gm = table.gm
    gm.q(
        "mutation($i: CreateLocationInput!) { createLocation(input: $i) { id } }",
        {
            "i": {
                "campaignId": table.campaign_id,
                "name": "Vale",
                "kind": "REGION",
                "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]]},
            }
        },
    )
    layer = gm.q("query($c: ID!) { mapLayer(campaignId: $c, bbox: [-1, -1, 3, 3]) }", {"c": table.campaign_id})[
        "mapLayer"
    ]
    assert layer["type"] == "FeatureCollection" and len(layer["features"]) == 1
    ring = layer["features"][0]["geometry"]["coordinates"][0]
    assert all(-1 <= x <= 3 and -1 <= y <= 3 for x, y in ring)  # degrees, not metres
    with pytest.raises(AssertionError) as err:
        gm.q(
            "mutation($i: CreateLocationInput!) { createLocation(input: $i) { id } }",
            {
                "i": {
                    "campaignId": table.campaign_id,
                    "name": "Bad",
                    "kind": "REGION",
                    "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]]},
                }
            },
        )
    assert code_of(err) == "VALIDATION_FAILED"


def test_audit_log_records_changes_in_order(table: Any) -> None:
    gm = table.gm
    gm.q(
        "mutation($i: CreatePartyInput!) { createParty(input: $i) { id } }",
        {"i": {"campaignId": table.campaign_id, "name": "The Lanterns"}},
    )
    log = gm.q(
        'query($c: ID!) { auditLog(campaignId: $c, entityType: "PARTY") { operation entityType actorId } }',
        {"c": table.campaign_id},
    )["auditLog"]
    assert log == [{"operation": "CREATE", "entityType": "PARTY", "actorId": table.gm.user["id"]}]
    with pytest.raises(AssertionError) as err:
        table.player.q("query($c: ID!) { auditLog(campaignId: $c) { id } }", {"c": table.campaign_id})
    assert code_of(err) == "FORBIDDEN"
