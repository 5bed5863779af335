"""`/health`, `/health/live`, `/health/ready`: liveness, and readiness of every dependency."""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, Request, Response, get

from campaign_api.resources import Resources
from campaign_shared.health import run_checks


class HealthController(Controller):
    path = "/health"
    include_in_schema = False

    @get("/live", media_type=MediaType.JSON, sync_to_thread=False)
    def live(self) -> dict[str, str]:
        """The process answers; says nothing about dependencies (used to restart a hung process)."""
        return {"status": "alive"}

    @get(["/", "/ready"], media_type=MediaType.JSON)
    async def ready(self, request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
        """Every dependency answers: PostgreSQL+PostGIS, Redis, the S3 bucket, the rules engine."""
        resources: Resources = request.app.state.resources
        report = await run_checks(
            {
                "database": resources.check_database,
                "redis": resources.check_redis,
                "s3": resources.check_s3,
                "rules_engine": resources.check_rules_engine,
            },
            timeout_s=resources.settings.api.health_timeout_ms / 1000,
        )
        return Response(report.model_dump(), status_code=200 if report.ok else 503)
