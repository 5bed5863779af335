"""Register, sign out, sign in again, and stay signed in across a reload (refresh token)."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_register_sign_out_and_sign_in(app) -> None:
    page = app.page()
    email = f"talvik-{uuid.uuid4().hex[:8]}@example.com"
    page.goto(app.url + "/campaigns")
    expect(page).to_have_url(app.url + "/login?next=%2Fcampaigns")
    page.get_by_role("link", name="Create an account").click()

    page.get_by_label("Name").fill("Talvik")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert")).to_contain_text("8 to 256 characters")

    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(app.url + "/campaigns")
    expect(page.get_by_test_id("current-user")).to_have_text("Talvik")
    expect(page.get_by_role("heading", name="Your campaigns")).to_be_visible()

    # The access token lives in memory only: a reload resumes the session with the refresh token.
    page.reload()
    expect(page.get_by_test_id("current-user")).to_have_text("Talvik")
    expect(page).to_have_url(app.url + "/campaigns")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(app.url + "/login")
    assert page.evaluate("localStorage.getItem('cm.refreshToken')") is None
    page.goto(app.url + "/campaigns")
    expect(page).to_have_url(app.url + "/login?next=%2Fcampaigns")

    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("invalid email or password")

    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(app.url + "/campaigns")
    expect(page.get_by_test_id("current-user")).to_have_text("Talvik")
    app.shot(page, "auth-signed-in")
