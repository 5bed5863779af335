"""The SPA shell in Chromium, served by the frontend process, talking to the real API through its proxy."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, expect

from devstack import StackHandle


def test_shell_shows_every_dependency_ready(stack: StackHandle, browser: Browser, artifacts_dir: Path) -> None:
    assert stack.process("frontend").running, "the frontend must be built (make frontend-build) before tests"
    page = browser.new_page()
    try:
        # Anonymous visitors land on the sign-in page, which shows the stack status.
        page.goto(stack.frontend_url + "/")
        expect(page).to_have_url(stack.frontend_url + "/login?next=%2Fcampaigns")
        expect(page.get_by_test_id("overall-status")).to_have_attribute("data-status", "ready", timeout=20_000)
        for name in ("database", "redis", "s3", "rules_engine"):
            expect(page.get_by_test_id(f"check-{name}")).to_have_attribute("data-ok", "true")
        page.screenshot(path=str(artifacts_dir / "shell-ready.png"), full_page=True)
    finally:
        page.close()
