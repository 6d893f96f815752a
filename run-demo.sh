#!/usr/bin/env bash
# The main demonstration: the seeds' journey against the embedded emulator, in every supported
# language, with the primary host failing part-way. Needs only the machine's toolchains.
# The steps are the justfile's `demo` recipe; this script makes .venv with `just` in it
# (scripts/venv.sh) and runs it.
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TERM_COLOR=never
. scripts/venv.sh
exec just demo
