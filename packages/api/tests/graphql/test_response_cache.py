"""The whole-response cache: repeated queries are answered from Redis, but never stale and never
someone else's answer (roles, membership and content changes all make a cached answer unreachable)."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

HITS = 'campaign_api_cache_lookups_total{cache="response",outcome="hit"}'
SETTLEMENTS = "query($c: ID!) { settlements(campaignId: $c) { id name gmNotes hidden } }"
CREATE = "mutation($i: CreateSettlementInput!) { createSettlement(input: $i) { id version } }"
UPDATE = """mutation($id: ID!, $b: ID!, $i: UpdateSettlementInput!) {
  updateSettlement(id: $id, branchId: $b, input: $i) { id version name } }"""


def _metric(http: httpx.Client, name: str) -> float:
    match = re.search(rf"^{re.escape(name)}\s+([0-9.e+]+)$", http.get("/metrics").text, re.M)
    return float(match.group(1)) if match else 0.0


def _settlement(table: Any, **fields: Any) -> dict[str, Any]:
    created: dict[str, Any] = table.gm.q(CREATE, {"i": {"campaignId": table.campaign_id, **fields}})["createSettlement"]
    return created


def test_a_repeated_query_is_served_from_cache_until_the_campaign_changes(table: Any, http: httpx.Client) -> None:
    s = _settlement(table, name="Harrowgate", gmNotes="the mayor is a fraud")
    first = table.gm.q(SETTLEMENTS, {"c": table.campaign_id})
    hits = _metric(http, HITS)
    assert table.gm.q(SETTLEMENTS, {"c": table.campaign_id}) == first
    assert _metric(http, HITS) == hits + 1
    for n in range(5):  # every committed change is visible on the very next read
        version = table.gm.q(UPDATE, {"id": s["id"], "b": table.main_branch_id, "i": {"name": f"Harrowgate {n}"}})
        assert version["updateSettlement"]["name"] == f"Harrowgate {n}"
        names = [x["name"] for x in table.gm.q(SETTLEMENTS, {"c": table.campaign_id})["settlements"]]
        assert names == [f"Harrowgate {n}"]


def test_each_caller_gets_their_own_answer(table: Any) -> None:
    _settlement(table, name="Open Town", gmNotes="secret plans")
    _settlement(table, name="Hidden Keep", hidden=True)
    gm_view = table.gm.q(SETTLEMENTS, {"c": table.campaign_id})["settlements"]
    assert {s["name"] for s in gm_view} == {"Open Town", "Hidden Keep"}
    for _ in range(2):  # the second read of each is a cache hit, still the caller's own view
        player_view = table.player.q(SETTLEMENTS, {"c": table.campaign_id})["settlements"]
        assert [(s["name"], s["gmNotes"]) for s in player_view] == [("Open Town", None)]
    with pytest.raises(AssertionError) as outsider:
        table.outsider.q(SETTLEMENTS, {"c": table.campaign_id})
    assert getattr(outsider.value, "code", None) == "NOT_FOUND"


def test_role_and_membership_changes_invalidate_cached_answers(table: Any) -> None:
    _settlement(table, name="Greywater", gmNotes="smugglers")
    role = "mutation($c: ID!, $u: ID!, $r: Role!) { updateMemberRole(campaignId: $c, userId: $u, role: $r) { role } }"
    remove = "mutation($c: ID!, $u: ID!) { removeMember(campaignId: $c, userId: $u) }"
    for _ in range(2):
        assert table.gm.q(SETTLEMENTS, {"c": table.campaign_id})["settlements"][0]["gmNotes"] == "smugglers"
    table.owner.q(role, {"c": table.campaign_id, "u": table.gm.user["id"], "r": "PLAYER"})
    assert table.gm.q(SETTLEMENTS, {"c": table.campaign_id})["settlements"][0]["gmNotes"] is None
    table.owner.q(remove, {"c": table.campaign_id, "u": table.gm.user["id"]})
    with pytest.raises(AssertionError) as removed:
        table.gm.q(SETTLEMENTS, {"c": table.campaign_id})
    assert getattr(removed.value, "code", None) == "NOT_FOUND"


def test_answers_with_errors_and_campaignless_fields_are_not_cached(table: Any, http: httpx.Client) -> None:
    me = "query { me { id name } }"
    hits = _metric(http, HITS)
    table.gm.q(me)
    table.gm.q(me)
    mixed = "query($c: ID!) { settlements(campaignId: $c) { id } branches(campaignId: $c) { id } x: me { id } }"
    table.gm.q(mixed, {"c": table.campaign_id})
    table.gm.q(mixed, {"c": table.campaign_id})
    failing = "query($c: ID!, $id: ID!) { settlements(campaignId: $c) { id } entity(type: SETTLEMENT, id: $id) }"
    for _ in range(2):
        assert table.gm.raw(failing, {"c": table.campaign_id, "id": table.campaign_id}).get("errors")
    assert _metric(http, HITS) == hits


def test_a_cached_answer_still_needs_a_valid_credential_and_counts_against_the_rate_limit(
    table: Any, http: httpx.Client
) -> None:
    _settlement(table, name="Brackenford")
    body = {"query": SETTLEMENTS, "variables": {"c": table.campaign_id}}
    table.gm.q(SETTLEMENTS, {"c": table.campaign_id})
    hits = _metric(http, HITS)
    assert table.gm.q(SETTLEMENTS, {"c": table.campaign_id})["settlements"][0]["name"] == "Brackenford"
    assert _metric(http, HITS) == hits + 1  # answered from the cache
    tampered = table.gm.token[:-4] + ("AAAA" if not table.gm.token.endswith("AAAA") else "BBBB")
    for headers in ({"Authorization": f"Bearer {tampered}"}, {}):
        answer = http.post("/graphql", json=body, headers=headers).json()
        assert answer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    codes = set()
    for _ in range(2 * 400 + 10):  # the test stack allows 400 operations a minute; fixed windows
        answer = http.post("/graphql", json=body, headers=table.gm.headers()).json()
        codes.add(answer["errors"][0]["extensions"]["code"] if answer.get("errors") else "OK")
        if "RATE_LIMITED" in codes:
            break
    assert codes == {"OK", "RATE_LIMITED"}  # cache hits count against the caller's budget too
