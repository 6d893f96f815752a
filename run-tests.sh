#!/usr/bin/env bash
# Every test: formatting and lints, the core's unit tests (signing and token vectors, the failover
# state machine, validation and encoding), the conformance scenarios and integration suites against
# the emulator in Rust, and the Python and Node bindings' suites (which replay the same scenarios).
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TERM_COLOR=never

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy -D warnings"
cargo clippy --workspace --all-targets --quiet -- -D warnings

echo "== cargo test (core, emulator, conformance scenarios, demo)"
cargo test --workspace --exclude imcloud-python

echo "== Python: setup (.venv, pip install ./bindings-python)"
. scripts/python-env.sh

echo "== Python: ruff, generated code, pytest (stubtest, mypy, scenarios, every operation)"
ruff check bindings-python
ruff format --check bindings-python
python bindings-python/generate.py --check
(cd bindings-python && python -m pytest -q -p no:cacheprovider tests)

echo "== Node: setup (npm install, napi build)"
. scripts/node-env.sh

echo "== Node: biome, generated code, node --test (tsc, scenarios, every operation)"
(cd bindings-node && npx biome lint && node generate.mjs --check && node --test test/)
