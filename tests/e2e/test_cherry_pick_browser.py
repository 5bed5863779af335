"""Cherry-pick one change from a branch into main, then a conflicting one with a resolution."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

UPDATE = "mutation($id: ID!, $b: ID!, $p: Int!) { updateSettlement(id: $id, branchId: $b, input: {population: $p}) { version } }"


def population(app: Any, gm: Any, settlement_id: str, branch_id: str) -> int:
    query = "query($id: ID!, $b: ID!) { entity(type: SETTLEMENT, id: $id, branchId: $b) }"
    return int(app.api.gql(gm, query, id=settlement_id, b=branch_id)["entity"]["population"])


def pick(page: Page, version: int, into: str) -> None:
    panel = page.get_by_test_id("cherry-pick")
    panel.get_by_label("Pick from branch").select_option(label="what-if")
    panel.get_by_label("Entity type").select_option(label="Settlement")
    panel.get_by_label("Entity", exact=True).select_option(label="Brindle Ford")
    panel.get_by_role("radio", name=f"Version {version} at").check()
    expect(panel.get_by_label("Apply to branch")).to_have_value(into)


def test_cherry_pick_a_change_and_resolve_a_conflict(app: Any) -> None:
    gm = app.api.register("Corvina")
    campaign = app.api.campaign(gm, "The Ember Road", calendar="gregorian")
    town = app.api.create(gm, campaign, "Settlement", name="Brindle Ford", level=2, population=1200)
    fork = app.api.gql(
        gm,
        'mutation($p: ID!) { forkBranch(input: {parentId: $p, name: "what-if"}) { id } }',
        p=campaign.main_branch_id,
    )["forkBranch"]
    app.api.gql(gm, UPDATE, id=town["id"], b=fork["id"], p=3000)  # version 2, on what-if only

    page = app.page()
    app.sign_in(page, gm, f"/campaigns/{campaign.id}/branches")
    panel = page.get_by_test_id("cherry-pick")
    pick(page, 2, campaign.main_branch_id)
    expect(panel).to_contain_text("changed population")
    panel.get_by_role("button", name="Cherry-pick version 2 into main").click()
    expect(panel.get_by_test_id("cherry-pick-status")).to_have_text(
        "Cherry-picked version 2: 1 entity written to main."
    )
    assert population(app, gm, town["id"], campaign.main_branch_id) == 3000

    # Both sides change the population again: picking what-if's change now conflicts with main's.
    app.api.gql(gm, UPDATE, id=town["id"], b=campaign.main_branch_id, p=900)
    app.api.gql(gm, UPDATE, id=town["id"], b=fork["id"], p=4000)  # version 3
    page.reload()
    pick(page, 3, campaign.main_branch_id)
    apply = panel.get_by_role("button", name="Cherry-pick version 3 into main")
    apply.click()
    expect(panel.get_by_role("alert")).to_have_text("1 conflict: choose the value to keep, then apply again.")
    row = panel.get_by_test_id("conflict-row")
    expect(row).to_contain_text("900")
    expect(row).to_contain_text("4000")
    expect(apply).to_be_disabled()
    panel.get_by_label("Keep theirs value 4000 for population").check()
    app.shot(page, "cherry-pick-conflict")
    apply.click()
    expect(panel.get_by_test_id("cherry-pick-status")).to_contain_text("1 entity written to main")
    assert population(app, gm, town["id"], campaign.main_branch_id) == 4000
