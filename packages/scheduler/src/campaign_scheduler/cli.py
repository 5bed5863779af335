"""`campaign-scheduler`: start the scheduler worker."""

from __future__ import annotations

import asyncio

from campaign_scheduler.server import serve
from campaign_shared.logging import configure_logging
from campaign_shared.runtime import run_until_signalled
from campaign_shared.settings import Settings


def main() -> None:
    async def run(stop: asyncio.Event) -> None:
        settings = Settings().require("redis", "service_token", "scheduler")
        configure_logging("scheduler", settings.app.log_level, settings.app.log_format)
        await serve(settings, stop)

    raise SystemExit(run_until_signalled(run))


if __name__ == "__main__":
    main()
