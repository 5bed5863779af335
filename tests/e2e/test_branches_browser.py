"""Fork a branch, edit the same field on both sides, and merge with a conflict resolution."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def set_population(page: Page, value: str) -> None:
    page.get_by_role("link", name="Entities").click()
    page.get_by_role("button", name="Settlements").click()
    page.get_by_test_id("table-settlements").get_by_role("button", name="Brindle Ford").click()
    inspector = page.get_by_test_id("inspector")
    inspector.get_by_role("button", name="Edit").click()
    inspector.get_by_label("Population").fill(value)
    inspector.get_by_role("button", name="Save changes").click()
    expect(inspector.get_by_test_id("field-population")).to_have_text(value)


def test_fork_edit_both_sides_and_merge_with_a_resolution(app) -> None:
    gm = app.api.register("Senna")
    campaign = app.api.campaign(gm, "The Ember Road", calendar="gregorian")
    app.api.create(gm, campaign, "Settlement", name="Brindle Ford", level=2, population=1200)
    page = app.page()
    app.sign_in(page, gm, f"/campaigns/{campaign.id}/branches")

    # Fork "what-if" from main at main's current world time; the workspace switches to it.
    expect(page.get_by_test_id("branch-tree")).to_contain_text("main")
    page.get_by_label("New branch name").fill("what-if")
    page.get_by_role("button", name="Fork branch").click()
    expect(page.get_by_role("status").filter(has_text='Branch "what-if" forked from main')).to_be_visible()
    expect(page.get_by_test_id("branch-select").locator("option:checked")).to_contain_text("what-if")
    expect(page.get_by_test_id("branch-tree").get_by_test_id("branch-node")).to_have_count(2)

    # Theirs: on what-if the town grows to 3000.
    set_population(page, "3000")

    # Ours: back on main, a day later, the town shrinks to 900.
    page.get_by_test_id("branch-select").select_option(label="main")
    page.get_by_role("button", name="Advance…").click()
    before = page.get_by_test_id("world-time").inner_text()
    page.get_by_role("button", name="+1 day").click()
    expect(page.get_by_test_id("world-time")).not_to_have_text(before)
    set_population(page, "900")

    # Compare and merge what-if into main: one conflict on /population.
    page.get_by_role("link", name="Branches").click()
    page.get_by_label("Merge branch (theirs)").select_option(label="what-if")
    expect(page.get_by_label("into branch (ours)")).to_have_value(campaign.main_branch_id)
    page.get_by_role("button", name="Preview merge").click()
    conflict = page.get_by_test_id("conflict-row")
    expect(conflict).to_have_count(1)
    expect(conflict).to_contain_text("population")
    expect(conflict).to_contain_text("1200")
    expect(conflict).to_contain_text("900")
    expect(conflict).to_contain_text("3000")
    merge = page.get_by_role("button", name="Merge what-if into main")
    expect(merge).to_be_disabled()
    page.get_by_label("Keep theirs value 3000 for population").check()
    app.shot(page, "branches-conflict")
    expect(merge).to_be_enabled()
    merge.click()
    expect(page.get_by_test_id("merge-status")).to_contain_text("Merged: 1 entity written to main")

    page.get_by_role("link", name="Entities").click()
    page.get_by_role("button", name="Settlements").click()
    expect(page.get_by_test_id("table-settlements").get_by_test_id("entity-row")).to_contain_text("3000")
    app.shot(page, "branches-merged")
