#!/bin/sh
# Development entrypoint of the Python services (docker-compose.dev.yml, `builder` image stage).
#
#   dev-entrypoint <console script> [arguments...]      e.g. dev-entrypoint campaign-api serve --reload
#
# RELOAD=watch   restart the command whenever a .py file under /app/packages changes (watchfiles);
#                the API reloads through uvicorn's own --reload instead.
# DEBUGPY=1      run under debugpy listening on 0.0.0.0:5678 (published on the host as 9229 api,
#                9230 rules engine, 9231 scheduler); installed into the dev virtualenv on first use.
# DEBUGPY_WAIT=1 with DEBUGPY=1: wait for the debugger to attach before running.
set -eu

[ "$#" -ge 1 ] || { echo "usage: dev-entrypoint <console script> [arguments...]" >&2; exit 2; }
script="$(command -v "$1")" || { echo "dev-entrypoint: $1 not found on PATH" >&2; exit 2; }
shift

run="$script"
if [ "${DEBUGPY:-0}" = "1" ]; then
    if ! python -c "import debugpy" 2>/dev/null; then
        uv pip install --quiet --python /app/.venv/bin/python "debugpy>=1.8,<2"
    fi
    wait_flag=""
    if [ "${DEBUGPY_WAIT:-0}" = "1" ]; then wait_flag="--wait-for-client"; fi
    run="python -m debugpy --listen 0.0.0.0:5678 $wait_flag $script"
fi

if [ "${RELOAD:-}" = "watch" ]; then
    exec watchfiles --filter python "$run $*" /app/packages
fi
# shellcheck disable=SC2086  # $run is a command line built above
exec $run "$@"
