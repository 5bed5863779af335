"""Process entry helpers: one place that turns SIGTERM/SIGINT into a clean, awaited shutdown."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Awaitable, Callable

from loguru import logger

from campaign_shared.settings import SettingsError


def run_until_signalled(main: Callable[[asyncio.Event], Awaitable[None]]) -> int:
    """Run `main(stop)` where `stop` is set on SIGTERM/SIGINT; returns the exit code.

    A `SettingsError` is printed as a readable message with exit code 2 (no traceback), so a
    misconfigured container says what is wrong in its first log line.
    """

    async def runner() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await main(stop)

    try:
        asyncio.run(runner())
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception:
        logger.exception("service crashed")
        return 1
    return 0
