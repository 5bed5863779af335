"""Inspector: a condition built in the rule builder with its live preview, saved and read back as the same
JSON; an event resolved after a dry run, its effect seen on the target; an event shown as expired once
the world time passes its expiry."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def open_in_inspector(page: Page, table: str, name: str) -> None:
    page.get_by_test_id(f"table-{table}").get_by_role("button", name=name).click()
    expect(page.get_by_test_id("inspector").get_by_test_id("inspector-name")).to_have_text(name)


def test_rule_builder_preview_save_and_reload(app) -> None:
    gm = app.api.register("Ysolde")
    campaign = app.api.campaign(gm, "The Lantern Coast")
    app.api.create(gm, campaign, "Settlement", name="Saltmarsh Hollow", population=500)
    page = app.page()
    app.sign_in(page, gm, f"/campaigns/{campaign.id}/entities?type=settlements")
    open_in_inspector(page, "settlements", "Saltmarsh Hollow")
    inspector = page.get_by_test_id("inspector")

    inspector.get_by_role("button", name="Conditions").click()
    expect(inspector).to_contain_text("No conditions: available and visible by default.")
    inspector.get_by_role("button", name="New condition").click()
    expect(inspector.get_by_label("Rule 1: left variable")).to_have_value("settlement.population")
    answer = inspector.get_by_test_id("rule-preview-answer")
    expect(answer).to_have_text("Yes")  # 500 >= 0

    # The threshold above the population: no; below it: yes.
    inspector.get_by_label("Rule 1: right value").fill("1000")
    expect(answer).to_have_text("No")
    inspector.get_by_label("Rule 1: right value").fill("100")
    expect(answer).to_have_text("Yes")
    inspector.get_by_label("Rule 1: comparison").select_option(">")
    inspector.get_by_label("Rule 1: not").check()
    expect(answer).to_have_text("No")
    inspector.get_by_label("Rule 1: not").uncheck()
    expect(answer).to_have_text("Yes")

    # The JSON tab says the same; a broken edit there shows an error and is not taken.
    inspector.get_by_role("tab", name="JSON").click()
    expected = {"and": [{">": [{"var": "settlement.population"}, 100]}]}
    assert json.loads(inspector.get_by_label("Rule as JSON").input_value()) == expected
    inspector.get_by_label("Rule as JSON").fill('{"and": [')
    expect(inspector.get_by_test_id("rule-json-error")).to_contain_text("Invalid JSON")
    expect(inspector.get_by_role("button", name="Save condition")).to_be_disabled()
    # Well-formed JSON that is not JSON Logic: the API's preview refuses it, and says why inline.
    inspector.get_by_label("Rule as JSON").fill('{"no_such_op": [1]}')
    expect(inspector.get_by_test_id("rule-preview-invalid")).to_contain_text("invalid JSON Logic expression")
    expect(answer).to_have_count(0)
    inspector.get_by_label("Rule as JSON").fill(json.dumps(expected))
    expect(inspector.get_by_test_id("rule-json-error")).to_have_count(0)
    expect(answer).to_have_text("Yes")
    inspector.get_by_role("tab", name="Builder").click()
    expect(inspector.get_by_label("Rule 1: comparison")).to_have_value(">")
    inspector.get_by_test_id("rule-preview").get_by_text("Trace").click()
    app.shot(page, "inspector-rule-builder")

    inspector.get_by_role("button", name="Save condition").click()
    expect(inspector.get_by_test_id("condition-item")).to_have_count(1)
    expect(page.get_by_test_id("announcer")).to_have_text("Condition saved.")

    stored = app.api.gql(
        gm, "query($c: ID!) { conditions(campaignId: $c) { expression field version } }", c=campaign.id
    )
    assert stored["conditions"] == [{"expression": expected, "field": "available", "version": 1}]

    # After a reload the condition opens with the same JSON, and the overview explains the value.
    page.reload()
    open_in_inspector(page, "settlements", "Saltmarsh Hollow")
    available = inspector.get_by_test_id("computed-available")
    expect(available.get_by_test_id("computed-value")).to_have_text("Yes")
    available.get_by_text("Why? (1 condition)").click()
    expect(available.get_by_test_id("explain-trace")).to_contain_text("priority 0: true")
    available.get_by_test_id("explain-trace").get_by_text("Trace").click()
    expect(available.get_by_test_id("trace-tree")).to_contain_text('var "settlement.population" → 500')
    app.shot(page, "inspector-explain-trace")
    inspector.get_by_role("button", name="Conditions").click()
    inspector.get_by_role("button", name="Edit condition on available").click()
    expect(inspector.get_by_label("Rule 1: right value")).to_have_value("100")
    inspector.get_by_role("tab", name="JSON").click()
    assert json.loads(inspector.get_by_label("Rule as JSON").input_value()) == expected
    expect(answer).to_have_text("Yes")


def test_dry_run_then_resolve_an_event(app) -> None:
    gm = app.api.register("Tamsin")
    campaign = app.api.campaign(gm, "Embers of the Vale")
    town = app.api.create(gm, campaign, "Settlement", name="Cinderholt", population=500)
    fair = app.api.create(gm, campaign, "Event", name="Lantern fair", scheduledAt="1200-01-03")
    app.api.create(
        gm,
        campaign,
        "Effect",
        ownerType="EVENT",
        ownerId=fair["id"],
        targetType="SETTLEMENT",
        targetId=town["id"],
        operations=[{"op": "replace", "path": "/population", "value": 650}],
        timing="ON_RESOLVE",
    )
    page = app.page()
    app.sign_in(page, gm, f"/campaigns/{campaign.id}/entities?type=events")
    open_in_inspector(page, "events", "Lantern fair")
    inspector = page.get_by_test_id("inspector")

    inspector.get_by_role("button", name="Effects").click()
    effect = inspector.get_by_test_id("effect-item")
    expect(effect).to_contain_text("replace population → 650")
    expect(effect).to_contain_text("Cinderholt")

    inspector.get_by_role("button", name="Preview resolution (dry run)").click()
    dry = inspector.get_by_test_id("dry-run-result")
    expect(dry).to_contain_text("Dry run: resolving would set the status to completed")
    expect(dry.get_by_test_id("execution-diff")).to_have_text("replace population → 650")
    town_now = app.api.gql(gm, "query($c: ID!) { settlements(campaignId: $c) { population version } }", c=campaign.id)
    assert town_now["settlements"] == [{"population": 500, "version": 1}]  # a dry run writes nothing
    app.shot(page, "inspector-dry-run")

    inspector.get_by_role("button", name="Resolve now").click()
    done = inspector.get_by_test_id("resolution-result")
    expect(done).to_contain_text("Resolved (completed)")
    expect(done.get_by_test_id("target-now")).to_contain_text("population now650")
    expect(inspector.get_by_role("button", name="Resolve now")).to_have_count(0)
    app.shot(page, "inspector-resolved")
    inspector.get_by_role("button", name="Overview").click()
    expect(inspector.get_by_test_id("field-status")).to_have_text("Completed")

    # The target, opened from the effect, shows the change.
    inspector.get_by_role("button", name="Effects").click()
    inspector.get_by_role("button", name="Open settlement in the inspector").first.click()
    expect(inspector.get_by_test_id("inspector-name")).to_have_text("Cinderholt")
    expect(inspector.get_by_test_id("field-population")).to_have_text("650")
    inspector.get_by_role("button", name="Effects").click()
    expect(inspector.get_by_test_id("effect-item")).to_contain_text("Lantern fair")


def test_event_shown_as_expired_after_advancing_time(app) -> None:
    gm = app.api.register("Odran")
    campaign = app.api.campaign(gm, "Tolls of the Grey Road")
    app.api.create(gm, campaign, "Event", name="Bandit toll", scheduledAt="1200-01-02", expiresAt="1200-01-05 12:00")
    page = app.page()
    app.sign_in(page, gm, f"/campaigns/{campaign.id}/entities?type=events")
    open_in_inspector(page, "events", "Bandit toll")
    inspector = page.get_by_test_id("inspector")
    expect(inspector.get_by_test_id("field-status")).to_have_text("Planned")
    expect(inspector.get_by_test_id("expired-badge")).to_have_count(0)

    page.get_by_role("button", name="Advance…").click()
    page.get_by_role("button", name="+1 week").click()
    expect(page.get_by_test_id("world-time")).to_have_text("1200-01-08 00:00:00")
    expect(inspector.get_by_test_id("expired-badge")).to_be_visible()
    # The scheduler's due work expires it; the live update brings the new status.
    expect(inspector.get_by_test_id("field-status")).to_have_text("Expired", timeout=20_000)
    expect(
        page.get_by_test_id("table-events").get_by_test_id("entity-row").filter(has_text="Bandit toll")
    ).to_contain_text("Expired")
    app.shot(page, "inspector-expired")
    inspector.get_by_role("button", name="Effects").click()
    expect(inspector).to_contain_text("This event is expired: it cannot be resolved again.")


def test_typed_variables_and_secrets(app) -> None:
    gm = app.api.register("Maelis")
    campaign = app.api.campaign(gm, "The Salt Roads")
    party = app.api.create(gm, campaign, "Party", name="The Tidecallers")
    app.api.create(
        gm,
        campaign,
        "Settlement",
        name="Gullwick",
        population=800,
        variableSchemas=[
            {"name": "morale", "type": "number", "description": "How the town feels"},
            {"name": "mood", "type": "enum", "enum_values": ["calm", "restless"]},
            {"name": "walled", "type": "boolean"},
        ],
        variables={"morale": 3, "mood": "calm"},
    )
    page = app.page()
    app.sign_in(page, gm, f"/campaigns/{campaign.id}/entities?type=settlements")
    open_in_inspector(page, "settlements", "Gullwick")
    inspector = page.get_by_test_id("inspector")

    inspector.get_by_role("button", name="Variables").click()
    expect(inspector.get_by_label("morale (number)")).to_have_value("3")
    inspector.get_by_label("morale (number)").fill("lots")
    inspector.get_by_role("button", name="Save variables").click()
    expect(inspector.get_by_text("morale must be a number.")).to_be_visible()
    inspector.get_by_label("morale (number)").fill("7")
    inspector.get_by_label("mood (enum)").select_option("restless")
    inspector.get_by_label("walled").check()
    inspector.get_by_role("button", name="Save variables").click()
    expect(page.get_by_test_id("announcer")).to_have_text("Variables saved.")
    stored = app.api.gql(gm, "query($c: ID!) { settlements(campaignId: $c) { variables version } }", c=campaign.id)
    assert stored["settlements"] == [{"variables": {"morale": 7, "mood": "restless", "walled": True}, "version": 2}]

    # The API refuses a badly named variable; its message shows at the name.
    inspector.get_by_role("button", name="Declare a variable").click()
    inspector.get_by_label("Variable name").fill("9 lives")
    inspector.get_by_role("button", name="Declare").click()
    expect(inspector.get_by_label("Variable name")).to_have_accessible_description(
        "invalid variable schema Letters, digits and _"
    )
    inspector.get_by_label("Variable name").fill("lives")
    inspector.get_by_role("button", name="Declare").click()
    expect(inspector.get_by_label("lives (number)")).to_be_visible()
    app.shot(page, "inspector-variables")

    inspector.get_by_role("button", name="Secrets").click()
    expect(inspector).to_contain_text("No secrets.")
    inspector.get_by_label("New secret").fill("The harbourmaster sells the tide charts.")
    inspector.get_by_role("button", name="Add secret").click()
    expect(inspector.get_by_label("Secret 1", exact=True)).to_have_value("The harbourmaster sells the tide charts.")
    inspector.get_by_label("Party: The Tidecallers").check()
    inspector.get_by_role("button", name="Save secret").click()
    expect(page.get_by_test_id("announcer")).to_have_text("Secret saved.")
    secrets = app.api.gql(gm, "query($c: ID!) { secrets(campaignId: $c) { text revealedTo version } }", c=campaign.id)
    assert secrets["secrets"] == [
        {"text": "The harbourmaster sells the tide charts.", "revealedTo": [party["id"]], "version": 2}
    ]
    app.shot(page, "inspector-secrets")
