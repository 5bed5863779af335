"""Litestar application factory: nothing is built at import time, so tests can pass their own settings."""

from __future__ import annotations

from litestar import Litestar
from litestar.types import ASGIApp

from campaign_api import REQUIRED_CONCERNS
from campaign_api.plugin import CampaignPlugin
from campaign_shared.settings import Settings, get_settings


def create_app(settings: Settings | None = None) -> Litestar:
    settings = (settings or get_settings()).require(*REQUIRED_CONCERNS)
    return Litestar(plugins=[CampaignPlugin(settings)], openapi_config=None)


def create_served_app() -> ASGIApp:
    """What `campaign-api serve` runs: the application behind the cached-answer fast path."""
    from campaign_api.graphql.fast_path import serve_cached_answers

    return serve_cached_answers(create_app())
