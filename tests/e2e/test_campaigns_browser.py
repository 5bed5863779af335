"""Create a world with a fantasy calendar and a campaign in it; the workspace shows its world time."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_create_world_and_campaign(app) -> None:
    gm = app.api.register("Maelis")
    page = app.page()
    app.sign_in(page, gm)

    expect(page.get_by_text("No campaigns yet")).to_be_visible()
    page.get_by_label("World name").fill("Eldmoor")
    page.get_by_label("Calendar").select_option("kindled")
    page.get_by_role("button", name="Create world").click()
    expect(page.get_by_role("status").filter(has_text="Kindled Reckoning calendar")).to_be_visible()

    page.get_by_label("Campaign name").fill("The Ember Road")
    page.get_by_label("Start (world time)").fill("1207-08-04 09:30")
    page.get_by_role("button", name="Create campaign").click()

    expect(page).to_have_url(re.compile(r"/campaigns/[0-9a-f-]{36}/map$"))
    expect(page.get_by_test_id("campaign-name")).to_have_text("The Ember Road")
    expect(page.get_by_test_id("my-role")).to_have_text("OWNER")
    expect(page.get_by_test_id("world-time")).to_have_text("1207-08-04 09:30:00")
    expect(page.get_by_test_id("context-bar")).to_contain_text("4 Emberfall 1207")
    expect(page.get_by_test_id("branch-select").locator("option")).to_have_text(["main"])
    app.shot(page, "campaign-created")

    # Advance the clock with the calendar form: month names come from the world's calendar.
    page.get_by_role("button", name="Advance…").click()
    page.get_by_label("Month").select_option(label="Harrowtide")
    page.get_by_label("Day", exact=True).fill("1")
    page.get_by_label("Time (HH:MM)").fill("08:00")
    page.get_by_role("button", name="Advance to date").click()
    expect(page.get_by_test_id("world-time")).to_have_text("1207-09-01 08:00:00")

    page.get_by_role("link", name="Campaign Manager").click()
    expect(page.get_by_test_id("campaign-list")).to_contain_text("The Ember Road")
    expect(page.get_by_test_id("campaign-list")).to_contain_text("OWNER")
