"""Browser fixtures: Playwright driving the machine's Chromium (never a downloaded browser build).

Module-scoped: the sync Playwright API keeps an event loop running while open, which would clash
with the async tests that run after the browser tests.
"""

from __future__ import annotations

import secrets
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-unsafe-swiftshader",
]


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        raise RuntimeError("Chromium is missing: run scripts/provision.sh chromium (apt-get install chromium)")
    return path


@pytest.fixture(scope="module")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="module")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


# --- helpers for the app flows -------------------------------------------------------------------

PASSWORD = "correct horse battery staple"


def random_ip() -> str:
    """A distinct client address per sign-up/sign-in: the auth endpoints are rate limited per IP.

    The frontend's proxy keeps an X-Forwarded-For the browser sends and the API trusts the first hop.
    """
    return f"2001:db8::{secrets.randbelow(0xFFFF):x}:{secrets.randbelow(0xFFFF):x}"


@dataclass
class User:
    email: str
    name: str
    id: str
    token: str
    password: str = PASSWORD


@dataclass
class Campaign:
    id: str
    name: str
    world_id: str
    main_branch_id: str


class Api:
    """The real API over HTTP, for test set-up and for changes made "by someone else"."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = httpx.Client(base_url=base_url, timeout=20.0)

    def register(self, name: str = "Game Master") -> User:
        email = f"{name.split()[0].lower()}-{uuid.uuid4().hex[:10]}@example.com"
        response = self.http.post(
            "/auth/register",
            json={"email": email, "password": PASSWORD, "name": name},
            headers={"X-Forwarded-For": random_ip()},
        )
        assert response.status_code == 201, response.text
        body = response.json()
        return User(email=email, name=name, id=body["user"]["id"], token=body["access_token"])

    def gql(self, user: User, query: str, **variables: Any) -> dict[str, Any]:
        response = self.http.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {user.token}"},
        )
        body = response.json()
        assert not body.get("errors"), body["errors"]
        return body["data"]

    def campaign(self, user: User, name: str = "The Ember Road", calendar: str = "kindled") -> Campaign:
        world = self.gql(
            user,
            "mutation($n: String!, $c: JSON!) { createWorld(input: {name: $n, calendar: $c}) { id } }",
            n=f"{name} world",
            c=calendar,
        )["createWorld"]
        created = self.gql(
            user,
            "mutation($w: ID!, $n: String!) { createCampaign(input: {worldId: $w, name: $n}) { id mainBranch { id } } }",
            w=world["id"],
            n=name,
        )["createCampaign"]
        return Campaign(id=created["id"], name=name, world_id=world["id"], main_branch_id=created["mainBranch"]["id"])

    def create(self, user: User, campaign: Campaign, type_name: str, **fields: Any) -> dict[str, Any]:
        """create<Type>(input: {campaignId, branchId (main), **fields}) → {id, version}."""
        field = f"create{type_name}"
        data = self.gql(
            user,
            f"mutation($i: Create{type_name}Input!) {{ {field}(input: $i) {{ id version }} }}",
            i={"campaignId": campaign.id, "branchId": campaign.main_branch_id, **fields},
        )
        return data[field]


class App:
    """What a browser test needs: the API for set-up, fresh pages, sign-in, screenshots."""

    def __init__(self, stack: Any, browser: Browser, api: Api, artifacts_dir: Path) -> None:
        self.url = stack.frontend_url
        self.browser = browser
        self.api = api
        self.artifacts_dir = artifacts_dir
        self.contexts: list[BrowserContext] = []

    def page(self) -> Page:
        """A page in a fresh browser context (own storage, like a separate browser)."""
        context = self.browser.new_context(
            viewport={"width": 1400, "height": 900}, extra_http_headers={"X-Forwarded-For": random_ip()}
        )
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        return context.new_page()

    def sign_in(self, page: Page, user: User, path: str = "/campaigns") -> None:
        """Through the sign-in page, which then sends the browser on to `path`."""
        page.goto(f"{self.url}/login?next={path}")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(user.password)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_test_id("current-user")).to_have_text(user.name)

    def shot(self, page: Page, name: str) -> None:
        page.screenshot(path=str(self.artifacts_dir / f"e2e-{name}.png"), full_page=True)

    def close(self) -> None:
        for context in self.contexts:
            context.close()
        self.contexts.clear()


@pytest.fixture(scope="module")
def api(stack: Any) -> Iterator[Api]:
    assert stack.process("frontend").running, "build the frontend first: make frontend-build (npm run build)"
    client = Api(stack.api_url)
    yield client
    client.http.close()


@pytest.fixture
def app(stack: Any, browser: Browser, api: Api, artifacts_dir: Path) -> Iterator[App]:
    helper = App(stack, browser, api, artifacts_dir)
    yield helper
    helper.close()
