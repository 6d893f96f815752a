#!/usr/bin/env bash
# Make .venv (a clean virtualenv) and install the Python package into it with plain
# `pip install ./bindings-python` (PEP 517 through maturin), plus the test tools.
# Sourced by run-demo.sh and run-tests.sh; leaves the venv activated.
set -euo pipefail
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
# shellcheck disable=SC1091
. .venv/bin/activate
python -m pip install --quiet --upgrade pip
python -m pip install --quiet "maturin>=1.9.4,<2" pytest mypy ruff
# A debug build is enough for tests and the demo, and shares the workspace's target directory.
# `--features testing` builds in the emulator behind `imcloud.testing` (a plain build leaves it out).
MATURIN_PEP517_ARGS="--profile dev --features testing" python -m pip install --quiet --force-reinstall --no-deps ./bindings-python
