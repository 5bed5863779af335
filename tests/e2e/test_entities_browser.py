"""Entities view: create a settlement, see it in the table and the inspector, edit it, see the versions,
and a clear CONFLICT when someone else changed it first."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_create_edit_and_conflict_in_the_entities_view(app) -> None:
    gm = app.api.register("Corwen")
    campaign = app.api.campaign(gm, "Curse of the Crimson Throne")
    app.api.create(gm, campaign, "Kingdom", name="Vessmoor Crown", level=3)
    page = app.page()
    app.sign_in(page, gm, f"/campaigns/{campaign.id}/entities?type=settlements")

    expect(page.get_by_role("heading", name="Settlements")).to_be_visible()
    expect(page.get_by_test_id("table-settlements")).to_contain_text("No settlements yet.")
    page.get_by_role("button", name="New settlement").click()
    form = page.get_by_test_id("create-entity-form")
    form.get_by_role("button", name="Create settlement").click()
    expect(form.get_by_text("Name is required.")).to_be_visible()
    form.get_by_label("Name (required)").fill("Vessmoor")
    form.get_by_label("Kingdom").select_option(label="Vessmoor Crown")
    form.get_by_label("Level").fill("4")
    form.get_by_label("Population").fill("18486")
    form.get_by_label("GM notes").fill("The queen is not what she seems.")
    form.get_by_role("button", name="Create settlement").click()

    table = page.get_by_test_id("table-settlements")
    row = table.get_by_test_id("entity-row").filter(has_text="Vessmoor")
    expect(row).to_contain_text("18486")
    expect(row).to_contain_text("Vessmoor Crown")
    inspector = page.get_by_test_id("inspector")
    expect(inspector.get_by_test_id("inspector-name")).to_have_text("Vessmoor")
    expect(inspector.get_by_test_id("field-gmNotes")).to_have_text("The queen is not what she seems.")

    page.get_by_label("Filter by name").fill("zzz")
    expect(table).to_contain_text("Nothing matches the filter.")
    page.get_by_label("Filter by name").fill("vess")
    expect(row).to_be_visible()

    # Edit (expectedVersion 1 → version 2).
    inspector.get_by_role("button", name="Edit").click()
    inspector.get_by_label("Population").fill("20000")
    inspector.get_by_role("button", name="Save changes").click()
    expect(row).to_contain_text("20000")
    expect(inspector.get_by_test_id("field-population")).to_have_text("20000")

    # Versions: history and the field diff between them.
    inspector.get_by_role("button", name="Versions").click()
    expect(inspector.get_by_test_id("version-list").locator("li")).to_have_count(2)
    expect(inspector.get_by_test_id("version-diff")).to_contain_text("population")
    expect(inspector.get_by_test_id("version-diff")).to_contain_text("18486")

    # Someone else edits first: our save (still based on version 2) is a CONFLICT, shown as such.
    inspector.get_by_role("button", name="Overview").click()
    inspector.get_by_role("button", name="Edit").click()
    rows = app.api.gql(
        gm,
        "query($c: ID!) { settlements(campaignId: $c) { id version } }",
        c=campaign.id,
    )["settlements"]
    settlement_id = rows[0]["id"]
    app.api.gql(
        gm,
        "mutation($i: ID!, $b: ID!) { updateSettlement(id: $i, branchId: $b, input: {level: 5, expectedVersion: 2}) { version } }",
        i=settlement_id,
        b=campaign.main_branch_id,
    )
    inspector.get_by_label("Population").fill("1")
    inspector.get_by_role("button", name="Save changes").click()
    expect(inspector.get_by_role("alert")).to_contain_text(
        "Conflict: someone else changed this first (it is now at version 3)"
    )
    app.shot(page, "entities-conflict")
    inspector.get_by_role("button", name="Reload latest version").click()
    expect(inspector.get_by_test_id("field-level")).to_have_text("5")
    expect(inspector.get_by_test_id("field-population")).to_have_text("20000")
    app.shot(page, "entities-settlement")
