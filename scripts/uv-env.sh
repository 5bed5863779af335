# Sourced by scripts: make uv usable here without downloading interpreters.
# uv must not fetch Python (no network for that here); use an installed 3.12 or 3.13.
export UV_PYTHON_DOWNLOADS=never
export UV_LINK_MODE=copy
if [ -z "${UV_PYTHON:-}" ]; then
  for candidate in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12*/bin/python3.12 \
                   "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.13*/bin/python3.13 \
                   "$(command -v python3.12 2>/dev/null)" "$(command -v python3.13 2>/dev/null)"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then export UV_PYTHON="$candidate"; break; fi
  done
fi
[ -n "${UV_PYTHON:-}" ] || { echo "error: Python 3.12 or 3.13 is required (not found)" >&2; return 1 2>/dev/null || exit 1; }
PYTHON_FOR_UV="$UV_PYTHON"
# pip-installed uv lives next to that interpreter
PATH="$(dirname "$UV_PYTHON"):$HOME/.local/bin:$PATH"
export PATH PYTHON_FOR_UV
