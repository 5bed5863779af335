"""Map flows end to end: outline a region and found a settlement in it, the "available now" filter, and
the world's map image from S3 (on the demo world)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from campaign_api.seed.accounts import OWNER
from devstack import seed_demo_world

pytestmark = pytest.mark.browser


@dataclass
class Account:
    """What the app fixture's sign-in and API helpers need of a user."""

    email: str
    name: str
    password: str
    token: str


def log_in(app: Any, email: str, password: str, name: str) -> Account:
    response = app.api.http.post(
        "/auth/login",
        json={"email": email, "password": password},
        headers={"X-Forwarded-For": f"2001:db8::{secrets.randbelow(0xFFFF):x}"},  # the login limit is per address
    )
    assert response.status_code == 200, response.text
    return Account(email, name, password, response.json()["access_token"])


# The view is fitted to the mill, in the middle of the map: the region lies up and left of it.
CORNERS = ((0.1, 0.1), (0.4, 0.1), (0.4, 0.4), (0.1, 0.4))
SETTLEMENT_AT = (0.25, 0.3)


def click_map(page: Page, fx: float, fy: float, *, double: bool = False) -> None:
    box = page.get_by_test_id("map").bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] * fx, box["y"] + box["height"] * fy
    if double:
        page.mouse.dblclick(x, y)
    else:
        page.mouse.click(x, y)


def inside(point: list[float], ring: list[list[float]]) -> bool:
    """Ray casting, as the map view does it."""
    x, y = point
    hit = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            hit = not hit
    return hit


def test_draw_a_region_and_found_a_settlement_in_it(app: Any) -> None:
    gm = app.api.register("Odalys")
    campaign = app.api.campaign(gm, "Thorns of the Marches")
    # An old mill (outside the region to come) with two events, one of them not available by its condition.
    mill = app.api.create(
        gm, campaign, "Location", name="Old Mill", kind="POINT", geometry={"type": "Point", "coordinates": [60, 60]}
    )
    app.api.create(gm, campaign, "Event", name="Harvest Fair", locationId=mill["id"], eventType="STORY")
    fire = app.api.create(gm, campaign, "Event", name="Mill Fire", locationId=mill["id"], eventType="STORY")
    app.api.create(
        gm, campaign, "Condition", entityType="EVENT", entityId=fire["id"], field="available", expression={"==": [1, 2]}
    )

    page = app.page()
    app.sign_in(page, gm, f"/campaigns/{campaign.id}/map")
    the_map = page.get_by_test_id("map")
    expect(the_map).to_have_attribute("data-ready", "true", timeout=30_000)
    expect(the_map).to_have_attribute("data-map-image", "none")  # this world has no map image

    # "Available now": the fire is pinned to the mill but its condition says no.
    story = page.get_by_test_id("map-story-list")
    expect(the_map).to_have_attribute("data-story-count", "2")
    expect(story).to_contain_text("Mill Fire (event, not available)")
    page.get_by_label("Available now only").check()
    expect(the_map).to_have_attribute("data-story-count", "1")
    expect(story).to_contain_text("Harvest Fair")
    expect(story).not_to_contain_text("Mill Fire")
    page.get_by_label("Available now only").uncheck()
    expect(the_map).to_have_attribute("data-story-count", "2")

    # A region: four corners, the last one by double-click; one corner taken back with Undo on the way.
    page.get_by_role("button", name="Draw region").click()
    for fx, fy in CORNERS[:3]:
        click_map(page, fx, fy)
    click_map(page, 0.9, 0.9)
    expect(page.get_by_test_id("draw-hint")).to_contain_text("4 so far")
    page.get_by_role("button", name="Undo corner").click()
    expect(page.get_by_test_id("draw-hint")).to_contain_text("3 so far")
    click_map(page, *CORNERS[3], double=True)
    page.get_by_label("Location name").fill("The Thornmarch")
    page.get_by_role("button", name="Save location").click()
    locations = page.get_by_test_id("map-location-list")
    expect(locations).to_contain_text("The Thornmarch")
    expect(the_map).to_have_attribute("data-feature-count", "2")

    # A settlement inside it: the form says which region it falls in.
    page.get_by_role("button", name="Close inspector").click()
    page.get_by_role("button", name="Place settlement").click()
    expect(the_map).to_have_attribute("data-mode", "settlement")
    click_map(page, *SETTLEMENT_AT)
    expect(page.get_by_test_id("settlement-region")).to_have_text("New settlement in The Thornmarch")
    page.get_by_label("Settlement name").fill("Briarwick")
    page.get_by_label("Level").fill("2")
    page.get_by_label("Population").fill("340")
    page.get_by_role("button", name="Save settlement").click()
    expect(page.get_by_test_id("announcer")).to_have_text('Settlement "Briarwick" founded in The Thornmarch.')
    expect(locations).to_contain_text("Briarwick")
    expect(the_map).to_have_attribute("data-mode", "browse")
    expect(the_map).to_have_attribute("data-feature-count", "3")
    app.shot(page, "map-region-settlement")

    # What the API now holds.
    data = app.api.gql(
        gm,
        """query($c: ID!) {
          locations(campaignId: $c) { id name kind geometry parentId }
          settlements(campaignId: $c) { name locationId level population }
        }""",
        c=campaign.id,
    )
    by_name = {loc["name"]: loc for loc in data["locations"]}
    region, place = by_name["The Thornmarch"], by_name["Briarwick"]
    assert region["kind"] == "REGION" and region["geometry"]["type"] == "Polygon"
    ring = region["geometry"]["coordinates"][0]
    assert len(ring) == 5 and ring[0] == ring[-1]  # four corners, closed
    (w1, n1), (e1, n2), (e2, s1), (w2, s2) = ring[:4]
    # Screen-aligned clicks make a lon/lat rectangle (Web Mercator keeps meridians and parallels straight).
    assert (w1, e1, n1, s1) == pytest.approx((w2, e2, n2, s2), abs=1e-5)
    assert w1 < e1 and s1 < n1
    assert place["kind"] == "POINT" and place["parentId"] == region["id"]
    lon, lat = place["geometry"]["coordinates"]
    assert inside([lon, lat], ring)
    # x is linear in longitude: the settlement was clicked halfway between the west and east edges.
    assert (lon - w1) / (e1 - w1) == pytest.approx(0.5, abs=0.01)
    assert data["settlements"] == [{"name": "Briarwick", "locationId": place["id"], "level": 2, "population": 340}]
    inside_region = app.api.gql(gm, "query($r: ID!) { locationsInside(regionId: $r) { id } }", r=region["id"])
    assert [loc["id"] for loc in inside_region["locationsInside"]] == [place["id"]]


def test_the_world_map_image_lies_under_the_demo_regions(app: Any, stack: Any) -> None:
    seed_demo_world(stack.env)
    owner = log_in(app, OWNER.email, OWNER.password, OWNER.name)
    demo = next(c for c in app.api.gql(owner, "{ campaigns { id name } }")["campaigns"])
    page = app.page()
    app.sign_in(page, owner, f"/campaigns/{demo['id']}/map")
    the_map = page.get_by_test_id("map")
    expect(the_map).to_have_attribute("data-ready", "true", timeout=30_000)
    expect(the_map).to_have_attribute("data-map-image", "loaded", timeout=30_000)
    page.get_by_label("World map image").uncheck()
    page.get_by_label("World map image").check()
    app.shot(page, "map-world-image")
