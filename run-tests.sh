#!/usr/bin/env bash
# Every test: formatting and lints, the core's unit tests (signing and token vectors, the failover
# state machine, validation and encoding), the conformance scenarios, integration suites and golden
# wire fixtures against the emulator in Rust, the fuzz smoke run, and the Python, Node and Kotlin
# bindings' suites (which replay the same scenarios); the Swift binding is generated and checked
# textually (no Swift compiler here). The steps are the justfile's `test` recipe; this script makes
# .venv with `just` in it (scripts/venv.sh) and runs it. Arguments are passed to just (e.g. a
# narrower recipe: ./run-tests.sh test-rust).
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TERM_COLOR=never
. scripts/venv.sh
if [ "$#" -eq 0 ]; then
  set -- test
fi
exec just "$@"
