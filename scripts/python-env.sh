#!/usr/bin/env bash
# Make .venv (scripts/venv.sh) and install the Python package into it with plain
# `pip install ./bindings-python` (PEP 517 through maturin). Sourced; leaves the venv activated.
set -euo pipefail
. scripts/lib.sh
. scripts/venv.sh
# A debug build is enough for tests and the demo; for the host triple (scripts/lib.sh), so it
# shares the workspace's target/<triple>/ tree with cargo and napi. `--features testing` builds in
# the emulator behind `imcloud.testing` (a plain build leaves it out).
MATURIN_PEP517_ARGS="--profile dev --target $CARGO_BUILD_TARGET --features testing" \
  python -m pip install --quiet --force-reinstall --no-deps ./bindings-python
