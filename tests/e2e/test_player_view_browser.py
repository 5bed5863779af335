"""A player sees the player view: no GM notes, no hidden entities, no GM controls."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_player_does_not_see_gm_content(app) -> None:
    gm = app.api.register("Pell")
    player = app.api.register("Dunrik")
    campaign = app.api.campaign(gm, "Jade Regent")
    app.api.create(
        gm, campaign, "Settlement", name="Brindle Ford", population=1200, gmNotes="The Old Light hides a runewell."
    )
    app.api.create(gm, campaign, "Settlement", name="Cragfall Ridge Hold", hidden=True)
    app.api.create(
        gm,
        campaign,
        "Location",
        name="Secret Cave",
        kind="POINT",
        hidden=True,
        geometry={"type": "Point", "coordinates": [1, 1]},
    )
    app.api.create(
        gm,
        campaign,
        "Location",
        name="Brinestump Marsh",
        kind="POINT",
        geometry={"type": "Point", "coordinates": [2, 2]},
    )
    member = app.api.gql(
        gm,
        "mutation($c: ID!, $e: String!) { addMember(campaignId: $c, email: $e, role: PLAYER) { role } }",
        c=campaign.id,
        e=player.email,
    )
    assert member["addMember"]["role"] == "PLAYER"

    page = app.page()
    app.sign_in(page, player)
    expect(page.get_by_test_id("campaign-list")).to_contain_text("Jade Regent")
    expect(page.get_by_test_id("campaign-list")).to_contain_text("PLAYER")
    page.get_by_role("link", name="Jade Regent").click()
    expect(page.get_by_test_id("my-role")).to_have_text("PLAYER")

    # Map: only what players may see, and no drawing tools.
    expect(page.get_by_test_id("map-location-list")).to_contain_text("Brinestump Marsh")
    expect(page.get_by_test_id("map-location-list")).not_to_contain_text("Secret Cave")
    expect(page.get_by_role("button", name="Place point")).to_have_count(0)
    expect(page.get_by_role("button", name="Advance…")).to_have_count(0)
    expect(page.get_by_role("link", name="Audit log")).to_have_count(0)

    # Entities: hidden settlements are absent, GM notes never shown, no create/edit/delete.
    page.get_by_role("link", name="Entities").click()
    page.get_by_role("button", name="Settlements").click()
    table = page.get_by_test_id("table-settlements")
    expect(table).to_contain_text("Brindle Ford")
    expect(table.get_by_test_id("entity-row")).to_have_count(1)
    expect(table).not_to_contain_text("Cragfall Ridge Hold")
    expect(page.get_by_role("button", name="New settlement")).to_have_count(0)
    expect(page.get_by_label("Show deleted")).to_have_count(0)
    table.get_by_role("button", name="Brindle Ford").click()
    inspector = page.get_by_test_id("inspector")
    expect(inspector.get_by_test_id("field-population")).to_have_text("1200")
    expect(inspector).not_to_contain_text("GM notes")
    expect(inspector).not_to_contain_text("runewell")
    expect(inspector.get_by_role("button", name="Edit")).to_have_count(0)
    expect(inspector.get_by_role("button", name="Delete")).to_have_count(0)

    # Branches: the tree only, no fork or merge.
    page.get_by_role("link", name="Branches").click()
    expect(page.get_by_test_id("branch-tree")).to_contain_text("main")
    expect(page.get_by_role("button", name="Fork branch")).to_have_count(0)
    expect(page.get_by_role("button", name="Preview merge")).to_have_count(0)
    app.shot(page, "player-view")
    assert "runewell" not in page.content()
