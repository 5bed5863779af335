# syntax=docker/dockerfile:1.7
# Campaign Manager web app: React + Vite SPA served by nginx, which also proxies /graphql (HTTP and
# WebSocket), /auth and /api to the API and answers /health itself.
#
#   docker build -f docker/frontend.Dockerfile -t campaign:frontend .       (context = repository root)
#
# Stages
#   builder     node: `npm ci` (locked), then `npm run build` -> /app/dist. docker-compose.dev.yml runs
#               this stage (`target: builder`) as the Vite dev server on 5173.
#   production  nginx (pinned), running as the non-root user `nginx-user` (uid 1001) on port 80 inside
#               the container (8080 on the host). Docker lets unprivileged processes bind ports below
#               1024 inside a container's network namespace; where a runtime does not, set NGINX_PORT=8080
#               and publish 8080:8080.
#
# Runtime variables (rendered into the config by the image's envsubst step, see docker/nginx/default.conf):
#   API_UPSTREAM=api:3000  NGINX_PORT=80  NGINX_RESOLVER=127.0.0.11  CSP_EXTRA_SOURCES=""

FROM node:20.19.5-alpine3.22 AS builder
WORKDIR /app
COPY packages/frontend/package.json packages/frontend/package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund
COPY packages/frontend/ ./
# Build-time API locations; empty = same origin (/graphql through this nginx), the recommended setup.
ARG VITE_API_URL=""
ARG VITE_GRAPHQL_URL=""
ARG VITE_WS_URL=""
ENV VITE_API_URL=${VITE_API_URL} \
    VITE_GRAPHQL_URL=${VITE_GRAPHQL_URL} \
    VITE_WS_URL=${VITE_WS_URL}
RUN npm run build
EXPOSE 5173

FROM nginx:1.28.0-alpine AS production
RUN addgroup -S -g 1001 nginx-user \
    && adduser -S -D -H -u 1001 -G nginx-user -h /var/cache/nginx -s /sbin/nologin nginx-user \
    && rm -f /etc/nginx/conf.d/default.conf \
    && mkdir -p /etc/nginx/snippets /etc/nginx/templates \
    && chown -R nginx-user:nginx-user /etc/nginx/conf.d /var/cache/nginx
COPY docker/nginx/nginx.conf /etc/nginx/nginx.conf
COPY docker/nginx/security-headers.conf docker/nginx/proxy-params.conf /etc/nginx/snippets/
COPY docker/nginx/default.conf /etc/nginx/templates/default.conf.template
COPY --from=builder --chown=nginx-user:nginx-user /app/dist /usr/share/nginx/html
ENV API_UPSTREAM=api:3000 \
    NGINX_PORT=80 \
    NGINX_RESOLVER=127.0.0.11 \
    CSP_EXTRA_SOURCES="" \
    NGINX_ENVSUBST_FILTER="^(API_UPSTREAM|NGINX_PORT|NGINX_RESOLVER|CSP_EXTRA_SOURCES)$"
USER 1001:1001
EXPOSE 80
# The spec's probe; busybox wget accepts (and ignores) --no-verbose and --tries.
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD ["/bin/sh", "-c", "wget --no-verbose --tries=1 --spider \"http://127.0.0.1:${NGINX_PORT}/health\" || exit 1"]
# The nginx master is PID 1 (it reaps its own workers); compose adds `init: true` as well.
# daemon/pid are given here, not in nginx.conf, so the pid file lives in writable /tmp.
CMD ["nginx", "-g", "daemon off; pid /tmp/nginx.pid;"]
