#!/usr/bin/env bash
# The main demonstration: the seeds' journey against the embedded emulator, in every supported
# language, with the primary host failing part-way. Needs only the machine's toolchains.
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TERM_COLOR=never

echo "== Rust"
cargo run --quiet -p imcloud-demo

echo
echo "== Python (setting up .venv and pip install ./bindings-python)"
. scripts/python-env.sh
python bindings-python/examples/quickstart.py

echo
echo "== Node (npm install, napi build; the example is TypeScript)"
. scripts/node-env.sh
(cd bindings-node && npx tsc -p tsconfig.json && node examples/quickstart.js)

echo
echo "== Kotlin (UniFFI library, bindgen, Maven)"
. scripts/kotlin-env.sh
(cd bindings-uniffi/kotlin && mvn -q -B test-compile exec:java -Dimcloud.libdir="$IMCLOUD_LIBDIR")
