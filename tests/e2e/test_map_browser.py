"""Map view (MapLibre on WebGL/SwiftShader): place a point and outline a region; both become Locations."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def click_map(page: Page, fx: float, fy: float, *, double: bool = False) -> None:
    box = page.get_by_test_id("map").bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] * fx, box["y"] + box["height"] * fy
    if double:
        page.mouse.dblclick(x, y)
    else:
        page.mouse.click(x, y)


def test_draw_a_point_and_a_region(app) -> None:
    gm = app.api.register("Ilvarre")
    campaign = app.api.campaign(gm, "Salt and Lanterns")
    app.api.create(
        gm,
        campaign,
        "Location",
        name="Port Wickmoor",
        kind="POINT",
        geometry={"type": "Point", "coordinates": [-60.0, 15.0]},
    )
    page = app.page()
    app.sign_in(page, gm, f"/campaigns/{campaign.id}/map")

    the_map = page.get_by_test_id("map")
    expect(the_map).to_have_attribute("data-ready", "true", timeout=30_000)
    locations = page.get_by_test_id("map-location-list")
    expect(locations).to_contain_text("Port Wickmoor")

    # A point: one click on the map, then name it.
    page.get_by_role("button", name="Place point").click()
    expect(the_map).to_have_attribute("data-mode", "point")
    click_map(page, 0.3, 0.4)
    page.get_by_label("Location name").fill("Gull Stack")
    page.get_by_role("button", name="Save location").click()
    expect(locations).to_contain_text("Gull Stack")
    expect(the_map).to_have_attribute("data-mode", "browse")
    expect(the_map).to_have_attribute("data-feature-count", "2")
    expect(page.get_by_test_id("inspector").get_by_test_id("inspector-name")).to_have_text("Gull Stack")
    expect(page.get_by_test_id("inspector").get_by_test_id("field-kind")).to_have_text("Point")

    # A region: three corners, then a double-click adds the last one and finishes.
    page.get_by_role("button", name="Close inspector").click()
    page.get_by_role("button", name="Draw region").click()
    for fx, fy in ((0.2, 0.2), (0.5, 0.2), (0.5, 0.6)):
        click_map(page, fx, fy)
    expect(page.get_by_test_id("draw-hint")).to_contain_text("3 so far")
    click_map(page, 0.2, 0.6, double=True)
    page.get_by_label("Location name").fill("The Wrackreach")
    page.get_by_role("button", name="Save location").click()
    expect(locations).to_contain_text("The Wrackreach")
    expect(the_map).to_have_attribute("data-feature-count", "3")
    expect(page.get_by_test_id("inspector").get_by_test_id("field-kind")).to_have_text("Region")

    # Clicking a drawn point on the map selects it (the selection is shared with the inspector).
    page.get_by_role("button", name="Close inspector").click()
    click_map(page, 0.3, 0.4)
    expect(page.get_by_test_id("inspector").get_by_test_id("inspector-name")).to_have_text("Gull Stack")
    app.shot(page, "map-drawn")

    # A day later a fort is built; scrubbing back to the start hides it again (mapLayer asOf).
    page.get_by_role("button", name="Close inspector").click()
    page.get_by_role("button", name="Advance…").click()
    page.get_by_role("button", name="+1 day").click()
    expect(page.get_by_test_id("world-time")).to_have_text("1200-01-02 00:00:00")
    page.get_by_role("button", name="Place point").click()
    click_map(page, 0.8, 0.8)
    page.get_by_label("Location name").fill("Late Fort")
    page.get_by_role("button", name="Save location").click()
    expect(the_map).to_have_attribute("data-feature-count", "4")
    page.get_by_label("World time (as of)").focus()
    page.keyboard.press("Home")
    expect(page.get_by_test_id("as-of-banner")).to_contain_text("1200-01-01 00:00:00")
    expect(the_map).to_have_attribute("data-feature-count", "3")
    expect(locations).not_to_contain_text("Late Fort")
    expect(page.get_by_role("button", name="Place point")).to_have_count(0)  # history is read-only
    app.shot(page, "map-as-of")
    page.get_by_role("button", name="Back to now").click()
    expect(the_map).to_have_attribute("data-feature-count", "4")

    # The new locations are listed in the entities view too.
    page.get_by_role("link", name="Entities").click()
    page.get_by_role("button", name="Locations").click()
    table = page.get_by_test_id("table-locations")
    expect(table).to_contain_text("Gull Stack")
    expect(table).to_contain_text("The Wrackreach")
    expect(table.get_by_test_id("entity-row")).to_have_count(4)
