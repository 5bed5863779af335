"""The rule builder's live preview (`previewCondition`) and secrets revealed to players."""

from __future__ import annotations

from typing import Any

import pytest

PREVIEW = """query($id: ID!, $e: JSON!) {
  previewCondition(type: SETTLEMENT, id: $id, expression: $e) { ok value trace source errorType } }"""
SECRETS = "query($c: ID!) { secrets(campaignId: $c) { id text revealedTo } }"


def _create(client: Any, kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    mutation = f"mutation($i: Create{kind}Input!) {{ create{kind}(input: $i) {{ id }} }}"
    created: dict[str, Any] = client.q(mutation, {"i": fields})[f"create{kind}"]
    return created


def _code(error: pytest.ExceptionInfo[AssertionError]) -> Any:
    return getattr(error.value, "code", None)


def test_preview_evaluates_a_draft_against_the_entitys_real_context(table: Any) -> None:
    town = _create(table.gm, "Settlement", {"campaignId": table.campaign_id, "name": "Millbrook", "population": 500})

    def preview(threshold: int) -> dict[str, Any]:
        expression = {">=": [{"var": "settlement.population"}, threshold]}
        result: dict[str, Any] = table.gm.q(PREVIEW, {"id": town["id"], "e": expression})["previewCondition"]
        return result

    assert preview(100)["value"] is True
    assert preview(1000)["value"] is False
    assert preview(100)["trace"] is not None  # the builder shows why
    # nothing was saved: the settlement still has no conditions
    conditions = table.gm.q("query($c: ID!) { conditions(campaignId: $c) { id } }", {"c": table.campaign_id})
    assert conditions["conditions"] == []
    with pytest.raises(AssertionError) as invalid:
        table.gm.q(PREVIEW, {"id": town["id"], "e": {"no_such_operator": [1]}})
    assert _code(invalid) == "VALIDATION_FAILED"
    with pytest.raises(AssertionError) as player:
        table.player.q(PREVIEW, {"id": town["id"], "e": True})
    assert _code(player) == "FORBIDDEN"
    with pytest.raises(AssertionError) as player_invalid:  # the role is checked before the draft is read
        table.player.q(PREVIEW, {"id": town["id"], "e": {"no_such_operator": [1]}})
    assert _code(player_invalid) == "FORBIDDEN"
    with pytest.raises(AssertionError) as outsider:
        table.outsider.q(PREVIEW, {"id": town["id"], "e": True})
    assert _code(outsider) == "NOT_FOUND"


def test_players_read_the_secrets_revealed_to_them_or_their_party(table: Any) -> None:
    c = table.campaign_id
    party = _create(table.gm, "Party", {"campaignId": c, "name": "The Lanterns"})
    _create(
        table.gm,
        "Character",
        {"campaignId": c, "name": "Ysolde", "partyId": party["id"], "ownerUserId": table.player.user["id"]},
    )
    town = _create(table.gm, "Settlement", {"campaignId": c, "name": "Saltmarsh Reach"})
    base = {"campaignId": c, "ownerType": "SETTLEMENT", "ownerId": town["id"]}
    to_party = _create(table.gm, "Secret", {**base, "text": "the reeve takes bribes", "revealedTo": [party["id"]]})
    to_player = _create(
        table.gm, "Secret", {**base, "text": "a tunnel under the mill", "revealedTo": [table.player.user["id"]]}
    )
    _create(table.gm, "Secret", {**base, "text": "the lighthouse keeper is a wraith", "revealedTo": []})
    to_viewer = _create(
        table.gm, "Secret", {**base, "text": "the tide tables lie", "revealedTo": [table.viewer.user["id"]]}
    )

    gm_view = table.gm.q(SECRETS, {"c": c})["secrets"]
    assert len(gm_view) == 4
    player_view = table.player.q(SECRETS, {"c": c})["secrets"]
    assert {s["id"] for s in player_view} == {to_party["id"], to_player["id"]}
    assert all(s["revealedTo"] == [] for s in player_view)  # who else knows is not revealed
    viewer_view = table.viewer.q(SECRETS, {"c": c})["secrets"]
    assert [s["id"] for s in viewer_view] == [to_viewer["id"]]
    assert table.outsider.raw(SECRETS, {"c": c}).get("errors")


UPDATE_CHARACTER = """mutation($id: ID!, $b: ID!, $i: UpdateCharacterInput!) {
  updateCharacter(id: $id, branchId: $b, input: $i) { name level gmNotes ownerUserId } }"""


def test_a_player_edits_their_own_character_only(table: Any) -> None:
    c, b = table.campaign_id, table.main_branch_id
    own = _create(table.gm, "Character", {"campaignId": c, "name": "Ysolde", "ownerUserId": table.player.user["id"]})
    other = _create(table.gm, "Character", {"campaignId": c, "name": "Brannoc"})
    hidden = _create(
        table.gm, "Character", {"campaignId": c, "name": "Mask", "hidden": True, "ownerUserId": table.player.user["id"]}
    )

    edited = table.player.q(UPDATE_CHARACTER, {"id": own["id"], "b": b, "i": {"name": "Ysolde the Bold", "level": 4}})
    assert edited["updateCharacter"] == {
        "name": "Ysolde the Bold",
        "level": 4,
        "gmNotes": None,
        "ownerUserId": table.player.user["id"],
    }

    def refused(character: dict[str, Any], fields: dict[str, Any]) -> Any:
        with pytest.raises(AssertionError) as error:
            table.player.q(UPDATE_CHARACTER, {"id": character["id"], "b": b, "i": fields})
        return _code(error)

    assert refused(other, {"name": "Mine now"}) == "FORBIDDEN"
    assert refused(own, {"ownerUserId": table.viewer.user["id"]}) == "FORBIDDEN"  # not who owns it
    assert refused(own, {"gmNotes": "I peeked"}) == "FORBIDDEN"
    assert refused(hidden, {"name": "Unmasked"}) == "NOT_FOUND"  # hidden from players altogether
    with pytest.raises(AssertionError) as viewer:
        table.viewer.q(UPDATE_CHARACTER, {"id": own["id"], "b": b, "i": {"name": "x"}})
    assert _code(viewer) == "FORBIDDEN"
    # the refused updates changed nothing
    after = table.gm.q("query($c: ID!) { characters(campaignId: $c) { id name gmNotes ownerUserId } }", {"c": c})
    mine = next(ch for ch in after["characters"] if ch["id"] == own["id"])
    assert mine == {"id": own["id"], "name": "Ysolde the Bold", "gmNotes": "", "ownerUserId": table.player.user["id"]}
    assert next(ch for ch in after["characters"] if ch["id"] == other["id"])["name"] == "Brannoc"
