# syntax=docker/dockerfile:1.7
# Campaign Manager rules engine: gRPC (grpclib + betterproto2) on GRPC_PORT 50051, and an HTTP side on
# HTTP_PORT 9265 with /health/live, /health/ready and /metrics.
#
#   docker build -f docker/rules-engine.Dockerfile -t campaign:rules-engine .   (context = repository root)
#
# Stages
#   builder     uv installs the locked third-party dependencies first (cached until uv.lock or a
#               pyproject.toml changes), then the workspace packages as real wheels (--no-editable).
#               docker-compose.dev.yml runs this stage (`target: builder`) with the sources mounted.
#   production  the same Python base, only /app/.venv, tini as PID 1, non-root user `worker` (uid 1001).

FROM ghcr.io/astral-sh/uv:0.13.9 AS uv

FROM python:3.12.11-slim-bookworm AS builder
COPY --from=uv /uv /uvx /bin/
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=python3.12 \
    UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /app

# 1. Dependencies only: the lock and every workspace member's pyproject.toml (uv needs the whole workspace).
COPY pyproject.toml uv.lock ./
COPY packages/shared/pyproject.toml packages/shared/pyproject.toml
COPY packages/api/pyproject.toml packages/api/pyproject.toml
COPY packages/rules_engine/pyproject.toml packages/rules_engine/pyproject.toml
COPY packages/scheduler/pyproject.toml packages/scheduler/pyproject.toml
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-workspace --package campaign-rules-engine

# 2. Our code: campaign-shared and campaign-rules-engine installed as wheels into /app/.venv.
COPY packages/shared/src packages/shared/src
COPY packages/rules_engine/src packages/rules_engine/src
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable --package campaign-rules-engine

FROM python:3.12.11-slim-bookworm AS production
# tini reaps zombies and forwards SIGTERM so the gRPC server drains and stops cleanly.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini=0.19.0-1+b3 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 1001 worker \
    && useradd --system --uid 1001 --gid worker --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin worker
WORKDIR /app
COPY --from=builder --chown=worker:worker /app/.venv /app/.venv
ENV PATH="/app/.venv/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    APP_ENV=production \
    LOG_FORMAT=json \
    GRPC_HOST=0.0.0.0 \
    GRPC_PORT=50051 \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=9265
USER 1001:1001
EXPOSE 50051 9265
# The spec's liveness probe of the HTTP side; /health/ready additionally checks gRPC serving and Redis.
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request as u; port = os.environ.get('HTTP_PORT', '9265'); sys.exit(0 if u.urlopen(f'http://127.0.0.1:{port}/health/live', timeout=2).status == 200 else 1)"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["campaign-rules-engine"]
