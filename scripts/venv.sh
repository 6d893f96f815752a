#!/usr/bin/env bash
# Make .venv (a clean virtualenv) with the project's Python tools: the task runner `just`
# (the rust-just wheel: no Rust build of it), maturin, pytest, mypy, ruff. Sourced; leaves the
# venv activated. Installs only when the venv is new or the tool list below changed, so sourcing
# it again is cheap.
set -euo pipefail
IMCLOUD_PY_TOOLS='rust-just>=1.40,<2 maturin>=1.9.4,<2 pytest mypy ruff'
PY=${PYTHON:-python3}
if [ ! -f .venv/pyvenv.cfg ]; then
  "$PY" -m venv .venv
fi
if [ -f .venv/bin/activate ]; then
  # shellcheck disable=SC1091
  . .venv/bin/activate
else
  # shellcheck disable=SC1091
  . .venv/Scripts/activate # Windows
fi
if [ "$(cat .venv/.imcloud-tools 2>/dev/null || true)" != "$IMCLOUD_PY_TOOLS" ]; then
  python -m pip install --quiet --upgrade pip
  # shellcheck disable=SC2086
  python -m pip install --quiet $IMCLOUD_PY_TOOLS
  printf '%s' "$IMCLOUD_PY_TOOLS" >.venv/.imcloud-tools
fi
