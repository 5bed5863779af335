"""Lists filtered by reference: `settlements(filter: {kingdomId})`, `links(filter: {sourceId})`, ..."""

from __future__ import annotations

from typing import Any

import pytest


def _create(client: Any, kind: str, fields: dict[str, Any]) -> str:
    mutation = f"mutation($i: Create{kind}Input!) {{ create{kind}(input: $i) {{ id }} }}"
    created: str = client.q(mutation, {"i": fields})[f"create{kind}"]["id"]
    return created


def test_lists_keep_the_entities_whose_references_match(table: Any) -> None:
    c = table.campaign_id
    north, south = (_create(table.gm, "Kingdom", {"campaignId": c, "name": n}) for n in ("North", "South"))
    towns = {
        name: _create(table.gm, "Settlement", {"campaignId": c, "name": name, "kingdomId": kingdom})
        for name, kingdom in (("Aster", north), ("Birch", north), ("Cole", south))
    }
    settlements = "query($c: ID!, $f: SettlementFilter) { settlements(campaignId: $c, filter: $f) { name } }"
    assert {s["name"] for s in table.gm.q(settlements, {"c": c, "f": {"kingdomId": north}})["settlements"]} == {
        "Aster",
        "Birch",
    }
    assert [s["name"] for s in table.player.q(settlements, {"c": c, "f": {"kingdomId": south}})["settlements"]] == [
        "Cole"
    ]
    assert len(table.gm.q(settlements, {"c": c, "f": None})["settlements"]) >= 3  # no filter: all of them

    link = "mutation($i: CreateLinkInput!) { createLink(input: $i) { id } }"
    for target in ("Birch", "Cole"):
        fields = {"sourceType": "SETTLEMENT", "sourceId": towns["Aster"], "targetType": "SETTLEMENT"}
        table.gm.q(link, {"i": {"campaignId": c, **fields, "targetId": towns[target], "kind": "RELATED"}})
    links = "query($c: ID!, $f: LinkFilter) { links(campaignId: $c, filter: $f) { targetId } }"
    from_aster = table.gm.q(links, {"c": c, "f": {"sourceId": towns["Aster"]}})["links"]
    assert sorted(link["targetId"] for link in from_aster) == sorted([towns["Birch"], towns["Cole"]])
    both = {"sourceId": towns["Aster"], "targetId": towns["Cole"]}  # every reference given must match
    assert [link["targetId"] for link in table.gm.q(links, {"c": c, "f": both})["links"]] == [towns["Cole"]]
    assert table.gm.q(links, {"c": c, "f": {"sourceId": towns["Cole"]}})["links"] == []

    with pytest.raises(AssertionError) as bad:
        table.gm.q(settlements, {"c": c, "f": {"kingdomId": "not-an-id"}})
    assert getattr(bad.value, "code", None) == "NOT_FOUND"  # like every malformed id
