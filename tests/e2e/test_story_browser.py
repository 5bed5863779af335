"""Flow and timeline: link two events by dragging in the flow view, reschedule one on the timeline."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def drag(page: Page, source: str, target: str) -> None:
    page.locator(source).hover()
    page.mouse.down()
    box = page.locator(target).bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=12)
    page.mouse.up()


def test_link_in_the_flow_and_reschedule_on_the_timeline(app) -> None:
    gm = app.api.register("Orrin")
    campaign = app.api.campaign(gm, "Burnt Offerings")
    raid = app.api.create(gm, campaign, "Event", name="Ratling raid", scheduledAt="1200-01-03 10:00")
    app.api.create(gm, campaign, "Event", name="Kindling Festival", scheduledAt="1200-01-10")
    app.api.create(gm, campaign, "Encounter", name="Veskar's ambush", scheduledAt="1200-01-12 20:00", difficulty=3)
    page = app.page()
    app.sign_in(page, gm, f"/campaigns/{campaign.id}/flow")

    expect(page.get_by_test_id("flow-node")).to_have_count(3)
    drag(
        page,
        '.react-flow__node:has([data-name="Kindling Festival"]) .react-flow__handle.source',
        '.react-flow__node:has([data-name="Ratling raid"]) .react-flow__handle.target',
    )
    expect(page.get_by_test_id("flow-status")).to_contain_text("Linked Kindling Festival → Ratling raid (prerequisite)")
    expect(page.get_by_test_id("flow-links")).to_contain_text("Kindling Festival → prerequisite → Ratling raid")
    expect(page.locator(".react-flow__edge")).to_have_count(1)

    # A link back closes a cycle: it is flagged.
    page.get_by_label("From", exact=True).select_option(label="Ratling raid")
    page.get_by_label("To", exact=True).select_option(label="Kindling Festival")
    page.get_by_role("button", name="Create link").click()
    expect(page.get_by_test_id("flow-cycles")).to_contain_text("Ratling raid")
    app.shot(page, "flow-linked")

    # Timeline: drag the raid to the right; it is rescheduled later (whole hours).
    page.get_by_role("link", name="Timeline").click()
    item = page.locator('[data-testid=timeline-item][data-name="Ratling raid"]')
    box = item.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 10, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 160, box["y"] + box["height"] / 2, steps=10)
    page.mouse.up()
    expect(page.get_by_test_id("timeline-status")).to_contain_text("Ratling raid rescheduled to 1200-01-")
    after = app.api.gql(
        gm,
        "query($c: ID!) { events(campaignId: $c) { id scheduledAt version } }",
        c=campaign.id,
    )["events"]
    moved = next(e for e in after if e["id"] == raid["id"])
    assert moved["version"] == 2
    assert moved["scheduledAt"] > "1200-01-03 10:00:00"
    assert moved["scheduledAt"].endswith(":00:00")
    app.shot(page, "timeline-rescheduled")
