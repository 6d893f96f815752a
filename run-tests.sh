#!/usr/bin/env bash
# Every test: formatting and lints, the core's unit tests (signing and token vectors, the failover
# state machine, validation and encoding), the conformance scenarios and integration suites against
# the emulator in Rust, and the Python, Node and Kotlin bindings' suites (which replay the same
# scenarios); the Swift binding is generated and checked textually (no Swift compiler here).
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TERM_COLOR=never

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== generated code (cargo xtask gen --check: every language, the README table, the every-operation scenarios)"
cargo xtask gen --check

echo "== cargo clippy -D warnings"
cargo clippy --workspace --all-targets --quiet -- -D warnings

echo "== cargo test (core, emulator, conformance scenarios, demo)"
cargo test --workspace --exclude imcloud-python

echo "== fuzz smoke (cargo-fuzz: each target's committed corpus + 20 s of new inputs)"
scripts/fuzz-smoke.sh

echo "== Python: setup (.venv, pip install ./bindings-python)"
. scripts/python-env.sh

echo "== Python: ruff, generated code, pytest (stubtest, mypy, scenarios, every operation)"
ruff check .
ruff format --check bindings-python
(cd bindings-python && python -m pytest -q -p no:cacheprovider tests)

echo "== Node: setup (npm install, napi build)"
. scripts/node-env.sh

echo "== Node: biome, generated code, node --test (tsc, scenarios, every operation)"
(cd bindings-node && npx biome lint && node --test test/)

echo "== Kotlin/Swift: UniFFI library, bindgen, generated code"
. scripts/kotlin-env.sh
bash scripts/check-swift.sh

echo "== Kotlin: mvn test (every operation, errors, coroutine cancel, scenarios, demo)"
(cd bindings-uniffi/kotlin && mvn -q -B clean test -Dimcloud.libdir="$IMCLOUD_LIBDIR")
python3 - <<'PY'
import glob, re
t = f = 0
for x in glob.glob("bindings-uniffi/kotlin/target/surefire-reports/TEST-*.xml"):
    head = open(x, encoding="utf-8").read(2000)
    t += int(re.search(r'tests="(\d+)"', head).group(1))
    f += sum(int(n) for n in re.findall(r'(?:failures|errors)="(\d+)"', head)[:2])
print(f"Kotlin: {t - f} passed, {f} failed")
PY
