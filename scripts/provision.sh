#!/usr/bin/env bash
# Provision what the stack and the tests need on this machine, installing only what is missing.
#   scripts/provision.sh [python] [postgres] [redis] [node] [chromium] [nginx] [wrk]   (no argument: all but wrk)
# Installs system packages with apt only when running as root on Debian/Ubuntu; otherwise says
# exactly what to install.
set -euo pipefail
cd "$(dirname "$0")/.."

want() { [ $# -eq 0 ] && return 0; return 1; }
say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

APT_UPDATED=0
apt_install() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    die "please install: $* (this script installs them itself only as root on Debian/Ubuntu)"
  fi
  if [ "$APT_UPDATED" = 0 ]; then
    say "apt-get update"; DEBIAN_FRONTEND=noninteractive apt-get update -qq; APT_UPDATED=1
  fi
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# --- Python toolchain: uv and the workspace virtualenv ---------------------------------------
provision_python() {
  # shellcheck source=scripts/uv-env.sh
  source scripts/uv-env.sh
  if ! command -v uv >/dev/null 2>&1; then
    say "installing uv"
    "$PYTHON_FOR_UV" -m pip install --quiet --disable-pip-version-check uv || die "could not install uv (pip install uv)"
  fi
  say "uv sync (workspace, frozen lock)"
  uv sync --all-packages --frozen --quiet
}

# --- PostgreSQL with PostGIS ------------------------------------------------------------------
provision_postgres() {
  local url="${PGURL:-postgresql://postgres@127.0.0.1:5432/postgres}"
  if ! command -v psql >/dev/null; then apt_install postgresql postgresql-contrib; fi
  if ! psql "$url" -Atc 'select 1' >/dev/null 2>&1; then
    if command -v pg_ctlcluster >/dev/null; then
      local ver; ver=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1)
      [ -n "$ver" ] && { say "starting PostgreSQL $ver"; pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true; }
    fi
    for _ in $(seq 1 30); do psql "$url" -Atc 'select 1' >/dev/null 2>&1 && break; sleep 1; done
    psql "$url" -Atc 'select 1' >/dev/null 2>&1 || die "PostgreSQL is not reachable at $url"
  fi
  if [ "$(psql "$url" -Atc "select count(*) from pg_available_extensions where name='postgis'")" != 1 ]; then
    local major; major=$(psql "$url" -Atc "show server_version_num" | cut -c1-2)
    apt_install "postgresql-${major}-postgis-3"
  fi
}

# --- Redis ------------------------------------------------------------------------------------
provision_redis() {
  if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
    command -v redis-server >/dev/null || apt_install redis-server
    say "starting Redis on 127.0.0.1:6379"
    mkdir -p /tmp/redis-campaign
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --dir /tmp/redis-campaign
    for _ in $(seq 1 20); do (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && break; sleep 0.3; done
  fi
}

# --- Node packages and the built frontend -----------------------------------------------------
provision_node() {
  command -v npm >/dev/null || apt_install nodejs npm
  if [ -f packages/frontend/package-lock.json ]; then
    local stamp=packages/frontend/node_modules/.package-lock.json
    if [ ! -f "$stamp" ] || [ packages/frontend/package-lock.json -nt "$stamp" ]; then
      say "npm ci (frontend)"; (cd packages/frontend && npm ci --no-audit --no-fund --loglevel=error)
    fi
  fi
}

# --- Chromium for browser tests (never a downloaded browser build) -----------------------------
provision_chromium() {
  if [ ! -x /usr/bin/chromium ]; then apt_install chromium; fi
}

# --- nginx for the proxy tests (the Debian package; its own service is not needed) -----------------
provision_nginx() {
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || apt_install nginx
}

# --- wrk: the HTTP load generator of benchmarks/api_bench.py (`make bench` only) ------------------
provision_wrk() {
  command -v wrk >/dev/null || apt_install wrk
}

if [ $# -eq 0 ]; then set -- python postgres redis node chromium nginx; fi
for part in "$@"; do "provision_$part"; done
