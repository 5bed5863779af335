"""The one wiring plugin: turns settings into library configs and registers everything on the app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from advanced_alchemy.extensions.litestar import (
    AsyncSessionConfig,
    EngineConfig,
    SQLAlchemyAsyncConfig,
    SQLAlchemyPlugin,
)
from litestar import Litestar
from litestar.config.app import AppConfig
from litestar.config.cors import CORSConfig
from litestar.plugins import InitPluginProtocol
from litestar.plugins.prometheus import PrometheusConfig, PrometheusController
from litestar.static_files import create_static_files_router
from loguru import logger

from campaign_api.auth import exception_handlers as auth_exception_handlers
from campaign_api.auth import route_handlers as auth_route_handlers
from campaign_api.graphql.controller import graphql_controller
from campaign_api.graphql.schema import build_schema
from campaign_api.health import HealthController
from campaign_api.middleware import request_id_middleware
from campaign_api.resources import Resources
from campaign_shared.settings import Settings


def sqlalchemy_config(settings: Settings) -> SQLAlchemyAsyncConfig:
    db = settings.database
    return SQLAlchemyAsyncConfig(
        connection_string=db.sqlalchemy_url,
        engine_config=EngineConfig(
            pool_size=db.pool_size, max_overflow=db.max_overflow, pool_pre_ping=True, echo=db.echo
        ),
        session_config=AsyncSessionConfig(expire_on_commit=False),
        create_all=False,  # Alembic owns the schema
    )


class CampaignPlugin(InitPluginProtocol):
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.db_config = sqlalchemy_config(settings)

    @asynccontextmanager
    async def _lifespan(self, app: Litestar) -> AsyncIterator[None]:
        resources = Resources.create(self.settings, self.db_config.get_engine())
        await resources.open()
        app.state.resources = resources
        logger.info("API ready to serve on {}:{}", self.settings.api.host, self.settings.api.port)
        try:
            yield
        finally:
            await resources.close()

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        settings = self.settings
        production = settings.is_production
        api = settings.api
        playground = api.graphql_playground if api.graphql_playground is not None else not production
        introspection = api.graphql_introspection if api.graphql_introspection is not None else not production
        graphql = graphql_controller(build_schema(introspection=introspection), playground=playground)
        app_config.route_handlers.extend([HealthController, graphql, *auth_route_handlers])
        app_config.exception_handlers = {**app_config.exception_handlers, **auth_exception_handlers}
        app_config.plugins.append(SQLAlchemyPlugin(config=self.db_config))
        app_config.lifespan.append(self._lifespan)
        app_config.middleware.insert(0, request_id_middleware)
        app_config.request_max_body_size = api.max_body_bytes
        if api.metrics_enabled:
            prometheus = PrometheusConfig(app_name="campaign_api", prefix="campaign_api", group_path=True)

            class MetricsController(PrometheusController):
                path = "/metrics"

            app_config.route_handlers.append(MetricsController)
            app_config.middleware.append(prometheus.middleware)
        if api.cors_origins:
            app_config.cors_config = CORSConfig(allow_origins=api.cors_origins, allow_credentials=True)
        if api.frontend_dist and Path(api.frontend_dist).is_dir():
            app_config.route_handlers.append(
                create_static_files_router(path="/", directories=[api.frontend_dist], html_mode=True)
            )
        app_config.debug = False
        return app_config
