#!/usr/bin/env bash
# Every test: formatting and lints, the core's unit tests (signing and token vectors, the failover
# state machine, validation and encoding), and the conformance suites against the emulator.
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TERM_COLOR=never

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy -D warnings"
cargo clippy --workspace --all-targets --quiet -- -D warnings

echo "== cargo test (core, emulator, conformance scenarios, demo)"
cargo test --workspace
