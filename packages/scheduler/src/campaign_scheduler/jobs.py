"""Job functions. The cron sweeps only log for now: the world-state logic arrives with the scheduler issue."""

from __future__ import annotations

from typing import Any

from loguru import logger

Context = dict[str, Any]


async def expire_events(ctx: Context, *, branch_id: str | None = None) -> dict[str, Any]:
    """Sweep for events whose expiry world time has passed (body: logging only in the foundation)."""
    logger.info("expire_events sweep (branch={})", branch_id or "all")
    return {"job": "expire_events", "branch_id": branch_id, "expired": 0}


async def grow_settlements(ctx: Context, *, branch_id: str | None = None) -> dict[str, Any]:
    """Sweep for settlement growth over elapsed world time (body: logging only in the foundation)."""
    logger.info("grow_settlements sweep (branch={})", branch_id or "all")
    return {"job": "grow_settlements", "branch_id": branch_id, "changed": 0}


async def maintain_structures(ctx: Context, *, branch_id: str | None = None) -> dict[str, Any]:
    """Sweep for structure upkeep per world month (body: logging only in the foundation)."""
    logger.info("maintain_structures sweep (branch={})", branch_id or "all")
    return {"job": "maintain_structures", "branch_id": branch_id, "changed": 0}


async def echo(ctx: Context, *, value: Any = None) -> dict[str, Any]:
    """A diagnostic job: proves the queue round trip (enqueue → worker → result) end to end."""
    return {"echo": value, "worker": ctx["worker"].id}


FUNCTIONS = (expire_events, grow_settlements, maintain_structures, echo)
