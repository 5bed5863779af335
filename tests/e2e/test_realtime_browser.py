"""Two browsers on the same campaign: a change made in one shows in the other without a reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_changes_arrive_live_in_another_browser(app) -> None:
    gm = app.api.register("Brannoch")
    campaign = app.api.campaign(gm, "Crownfall")
    path = f"/campaigns/{campaign.id}/entities?type=kingdoms"
    watcher = app.page()
    app.sign_in(watcher, gm, path)
    editor = app.page()
    app.sign_in(editor, gm, path)
    expect(watcher.get_by_test_id("table-kingdoms")).to_contain_text("No kingdoms yet.")
    watcher_url = watcher.url

    editor.get_by_role("button", name="New kingdom").click()
    editor.get_by_label("Name (required)").fill("Riven Marches")
    editor.get_by_label("Level").fill("2")
    editor.get_by_role("button", name="Create kingdom").click()
    expect(editor.get_by_test_id("table-kingdoms")).to_contain_text("Riven Marches")

    # The other browser learns it from the campaignEvents subscription: no reload, same page.
    expect(watcher.get_by_test_id("table-kingdoms")).to_contain_text("Riven Marches", timeout=10_000)
    assert watcher.url == watcher_url
    expect(watcher.get_by_test_id("live-status")).to_have_attribute("data-state", "receiving")

    # World time too: the editor advances the clock, the watcher's context bar follows.
    editor.get_by_role("button", name="Advance…").click()
    editor.get_by_role("button", name="+1 week").click()
    expect(editor.get_by_test_id("world-time")).to_have_text("1200-01-08 00:00:00")
    expect(watcher.get_by_test_id("world-time")).to_have_text("1200-01-08 00:00:00", timeout=10_000)
    app.shot(watcher, "realtime-watcher")
