"""Managers and the inspector's links and player secrets, in a real browser against the real stack.

A game master creates a party and puts a character in it, assigns a settlement to a kingdom, adds a
structure and raises its level, all through the managers, then links the settlement to an event from
the inspector; every change is checked through GraphQL over HTTP. A player sees, in the inspector, the
secret revealed to their party and not the one revealed to nobody, and the managers read-only.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_gm_manages_party_kingdom_and_structures(app) -> None:
    gm = app.api.register("Amiri")
    campaign = app.api.campaign(gm, "The Stolen Lands")
    ysolde = app.api.create(gm, campaign, "Character", name="Ysolde", level=4)
    app.api.create(gm, campaign, "Character", name="Bram", level=2)
    aldmere = app.api.create(gm, campaign, "Kingdom", name="Aldmere")
    ford = app.api.create(gm, campaign, "Settlement", name="Brindle Ford", population=800)
    fair = app.api.create(gm, campaign, "Event", name="Harvest fair", scheduledAt="1200-01-10")

    page = app.page()
    app.sign_in(page, gm, f"/campaigns/{campaign.id}/map")
    page.get_by_role("navigation", name="Workspace views").get_by_role("link", name="Managers").click()
    expect(page).to_have_url(f"{app.url}/campaigns/{campaign.id}/manage")

    # Party: create one, put Ysolde in it.
    party_pane = page.get_by_test_id("party-manager")
    expect(party_pane).to_contain_text("No parties yet.")
    party_pane.get_by_label("New party name").fill("The Lanterns")
    party_pane.get_by_role("button", name="Create party").click()
    lanterns = party_pane.get_by_role("region", name="Party The Lanterns")
    expect(lanterns).to_contain_text("No characters in this party.")
    lanterns.get_by_label("Character to add to The Lanterns").select_option(label="Ysolde")
    lanterns.get_by_role("button", name="Add to party").click()
    expect(lanterns.get_by_test_id("party-member")).to_have_count(1)
    expect(lanterns.get_by_test_id("party-member")).to_contain_text("Ysolde")
    expect(page.get_by_test_id("announcer")).to_have_text("Ysolde joined The Lanterns.")
    expect(party_pane.get_by_test_id("unassigned-characters")).to_contain_text("Bram")

    # Kingdom: Brindle Ford joins Aldmere.
    kingdom_pane = page.get_by_test_id("kingdom-manager")
    kingdom_pane.get_by_label("Kingdom of Brindle Ford").select_option(label="Aldmere")
    expect(kingdom_pane.get_by_role("list", name="Settlements of Aldmere")).to_contain_text("Brindle Ford")

    # Settlement: a temple, then its level raised.
    settlement_pane = page.get_by_test_id("settlement-manager")
    card = settlement_pane.get_by_role("region", name="Settlement Brindle Ford")
    card.get_by_role("button", name="Add structure to Brindle Ford").click()
    form = card.get_by_role("form", name="New structure in Brindle Ford")
    form.get_by_label("Structure name").fill("Old Light Temple")
    form.get_by_label("Structure type").fill("temple")
    form.get_by_label("Level", exact=True).fill("2")
    form.get_by_role("button", name="Add structure").click()
    structure = card.get_by_test_id("structure-item")
    expect(structure).to_contain_text("Old Light Temple")
    expect(structure).to_contain_text("temple")
    expect(structure.get_by_role("spinbutton", name="Level of Old Light Temple")).to_have_value("2")
    structure.get_by_role("spinbutton", name="Level of Old Light Temple").fill("3")
    structure.get_by_role("button", name="Set level of Old Light Temple").click()
    expect(page.get_by_test_id("announcer")).to_have_text("Old Light Temple level set.")
    app.shot(page, "managers")

    stored = app.api.gql(
        gm,
        """query($c: ID!) {
          parties(campaignId: $c) { id name }
          characters(campaignId: $c) { name partyId version }
          settlements(campaignId: $c) { id kingdomId version }
          structures(campaignId: $c) { name type level settlementId version }
        }""",
        c=campaign.id,
    )
    assert [p["name"] for p in stored["parties"]] == ["The Lanterns"]
    party_id = stored["parties"][0]["id"]
    by_name = {c["name"]: c for c in stored["characters"]}
    assert by_name["Ysolde"] == {"name": "Ysolde", "partyId": party_id, "version": 2}
    assert by_name["Bram"]["partyId"] is None
    assert stored["settlements"] == [{"id": ford["id"], "kingdomId": aldmere["id"], "version": 2}]
    assert stored["structures"] == [
        {"name": "Old Light Temple", "type": "temple", "level": 3, "settlementId": ford["id"], "version": 2}
    ]

    # The inspector, opened from the manager: link the settlement to the fair, follow the link.
    card.get_by_role("button", name="Brindle Ford", exact=True).click()
    inspector = page.get_by_test_id("inspector")
    expect(inspector.get_by_test_id("inspector-name")).to_have_text("Brindle Ford")
    inspector.get_by_role("button", name="Links", exact=True).click()
    expect(inspector).to_contain_text("No links.")
    new_link = inspector.get_by_role("form", name="Add a link")
    new_link.get_by_label("Link kind").select_option("TRIGGERS")
    new_link.get_by_label("Other end type").select_option("EVENT")
    new_link.get_by_label("Other end", exact=True).select_option(label="Harvest fair")
    new_link.get_by_role("button", name="Add link").click()
    item = inspector.get_by_test_id("link-item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("triggers")
    expect(item.get_by_test_id("link-other")).to_have_text("Harvest fair")
    links = app.api.gql(gm, "query($c: ID!) { links(campaignId: $c) { sourceId targetId kind } }", c=campaign.id)
    assert links["links"] == [{"sourceId": ford["id"], "targetId": fair["id"], "kind": "TRIGGERS"}]
    item.get_by_test_id("link-other").click()
    expect(inspector.get_by_test_id("inspector-name")).to_have_text("Harvest fair")
    inspector.get_by_role("button", name="Links", exact=True).click()
    expect(inspector.get_by_test_id("link-item")).to_contain_text("triggered by")
    expect(inspector.get_by_test_id("link-item").get_by_test_id("link-other")).to_have_text("Brindle Ford")
    app.shot(page, "inspector-links")

    # Moving Ysolde out again: the character manager writes with the version it saw.
    lanterns.get_by_role("button", name="Remove Ysolde from The Lanterns").click()
    expect(party_pane.get_by_test_id("unassigned-characters")).to_contain_text("Ysolde")
    again = app.api.gql(gm, "query($c: ID!) { characters(campaignId: $c) { id partyId version } }", c=campaign.id)
    assert {c["id"]: (c["partyId"], c["version"]) for c in again["characters"]}[ysolde["id"]] == (None, 3)


def test_player_sees_only_the_secrets_revealed_to_their_party(app) -> None:
    gm = app.api.register("Linzi")
    player = app.api.register("Valeros")
    campaign = app.api.campaign(gm, "Saltmarsh Tides")
    app.api.gql(
        gm,
        "mutation($c: ID!, $e: String!) { addMember(campaignId: $c, email: $e, role: PLAYER) { role } }",
        c=campaign.id,
        e=player.email,
    )
    party = app.api.create(gm, campaign, "Party", name="The Tidecallers")
    app.api.create(gm, campaign, "Character", name="Valeros", partyId=party["id"], ownerUserId=player.id)
    town = app.api.create(gm, campaign, "Settlement", name="Saltmarsh Reach", population=900)
    base = {"ownerType": "SETTLEMENT", "ownerId": town["id"]}
    app.api.create(gm, campaign, "Secret", text="The reeve takes bribes.", revealedTo=[party["id"]], **base)
    app.api.create(gm, campaign, "Secret", text="The lighthouse keeper is a wraith.", revealedTo=[], **base)

    page = app.page()
    app.sign_in(page, player, f"/campaigns/{campaign.id}/manage")
    expect(page.get_by_test_id("my-role")).to_have_text("PLAYER")
    party_pane = page.get_by_test_id("party-manager")
    expect(party_pane.get_by_role("region", name="Party The Tidecallers")).to_contain_text("Valeros")
    expect(page.get_by_role("button", name="Create party")).to_have_count(0)
    expect(page.get_by_role("button", name="Add structure")).to_have_count(0)
    expect(page.get_by_label("Kingdom of Saltmarsh Reach")).to_have_count(0)

    page.get_by_test_id("settlement-manager").get_by_role("button", name="Saltmarsh Reach", exact=True).click()
    inspector = page.get_by_test_id("inspector")
    expect(inspector.get_by_test_id("inspector-name")).to_have_text("Saltmarsh Reach")
    known = inspector.get_by_test_id("known-secrets")
    expect(known.get_by_role("heading", name="Secrets you know")).to_be_visible()
    expect(known.get_by_test_id("known-secret")).to_have_count(1)
    expect(known.get_by_test_id("known-secret")).to_have_text("The reeve takes bribes.")
    expect(inspector).not_to_contain_text("wraith")
    expect(inspector.get_by_role("button", name="Secrets", exact=True)).to_have_count(0)
    app.shot(page, "player-known-secrets")
    assert "wraith" not in page.content()
