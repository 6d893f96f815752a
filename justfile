# The one task runner: every build, check, test and demo step is a recipe here; ./run-tests.sh,
# ./run-demo.sh, .ci/run and the README call these. `just --list` shows them.
# `just` itself comes from PyPI (the rust-just wheel) into .venv: `. scripts/venv.sh`.

set shell := ["bash", "-euo", "pipefail", "-c"]

# cargo, maturin and napi build for one triple (the host's unless set), so they share one
# target/<triple>/ tree; scripts/lib.sh derives the rest (library directory and file name).
export CARGO_BUILD_TARGET := env("CARGO_BUILD_TARGET", `rustc -vV | sed -n 's/^host: //p'`)
export CARGO_TERM_COLOR := env("CARGO_TERM_COLOR", "never")

# list the recipes
default:
    @just --list --unsorted

# ---------------------------------------------------------------------------------------------
# In CI's order: Rust (fmt, clippy, unit, scenarios, integration, golden wire fixtures), fuzz
# smoke, then per language: setup, lint, generated code, suites (Python, Node, Kotlin/Swift).

# every test (what ./run-tests.sh and CI run)
test: lint-rust gen-check test-rust fuzz-smoke setup-python lint-python test-python setup-node lint-node test-node setup-uniffi test-swift test-kotlin test-dist

# the built packages (wheel, npm tarballs, jar) installed where there is no Rust, each running its
# quick start against the emulator (issue 10's acceptance test)
test-dist: test-dist-python test-dist-node test-dist-jvm

# the demonstration in every language against the embedded emulator
demo: demo-rust demo-python demo-node demo-kotlin

# lints of every language
lint: lint-rust lint-python lint-node

# regenerate everything made from the catalogue (catalogue/): every language's typed surface and
# options, the README's operation table, the every-operation scenarios
gen:
    cargo xtask gen

# check the generated files are what the catalogue makes (CI)
gen-check:
    @echo "== generated code (cargo xtask gen --check)"
    cargo xtask gen --check

# ---------------------------------------------------------------------------------------------
# Rust

# formatting and clippy (warnings are errors) over the whole workspace
lint-rust:
    @echo "== cargo fmt --check"
    cargo fmt --all -- --check
    @echo "== cargo clippy -D warnings"
    cargo clippy --workspace --all-targets --quiet -- -D warnings
    @echo "== cargo package (the crates.io crates: imcloud-catalogue, imcloud, imcloud-emulator)"
    cargo package --quiet --no-verify --allow-dirty -p imcloud-catalogue -p imcloud -p imcloud-emulator

# core, emulator, conformance scenarios, integration, golden wire fixtures, version check, demo
test-rust:
    @echo "== cargo test (core, emulator, conformance scenarios, golden wire fixtures, demo)"
    cargo test --workspace --exclude imcloud-python

# rewrite the golden wire fixtures (tests/wire/) from what the client sends now; review the diff
bless-wire:
    IMCLOUD_BLESS=1 cargo test -p imcloud-conformance --test golden

# cargo-fuzz: each target's committed corpus + 20 s of new inputs (FUZZ_SECS)
fuzz-smoke:
    @echo "== fuzz smoke (cargo-fuzz: each target's committed corpus + 20 s of new inputs)"
    scripts/fuzz-smoke.sh

# Criterion benchmarks (not part of `test`; see benches/REPORT.md)
bench *ARGS:
    cargo bench -p imcloud-benches {{ ARGS }}

# the peer benchmark of issue 11: imcloud in each language against the official SDKs (PyPI, npm) and
# a raw load generator, on one fixed-answer local server; release builds and the SDKs go into
# target/bench-peers/ only; writes the generated section of benches/REPORT.md (not part of `test`)
bench-peers:
    benches/peers/run.sh

demo-rust:
    @echo "== Rust"
    cargo run --quiet -p imcloud-demo

# ---------------------------------------------------------------------------------------------
# Python

# .venv with the tools (just, maturin, pytest, mypy, ruff)
venv:
    . scripts/venv.sh

# .venv + `pip install ./bindings-python` (a debug build through maturin)
setup-python:
    @echo "== Python: setup (.venv, pip install ./bindings-python)"
    . scripts/python-env.sh

lint-python: venv
    @echo "== Python: ruff"
    . scripts/venv.sh && ruff check .
    . scripts/venv.sh && ruff format --check bindings-python

# pytest: stubtest, mypy, scenarios, every operation
test-python: setup-python
    @echo "== Python: pytest (stubtest, mypy, scenarios, every operation)"
    . scripts/venv.sh && cd bindings-python && python -m pytest -q -p no:cacheprovider tests

# the Python wheel (abi3, manylinux) and sdist in dist/python/; `just dist-python --release` to publish
dist-python *ARGS:
    @echo "== Python: distributions (scripts/dist-python.sh {{ ARGS }})"
    scripts/dist-python.sh {{ ARGS }}

# the wheel installed into a fresh venv without Rust or a C compiler, then the quick start against
# `python -m imcloud.emulator` from it (not part of `test`: builds the distributions)
test-dist-python: dist-python
    @echo "== Python: install test (tests/dist/python.sh)"
    bash tests/dist/python.sh

demo-python: setup-python
    @echo "== Python"
    . scripts/venv.sh && python bindings-python/examples/quickstart.py

# ---------------------------------------------------------------------------------------------
# Node

# npm install + napi build (debug)
setup-node:
    @echo "== Node: setup (npm install, napi build)"
    . scripts/node-env.sh

lint-node: setup-node
    @echo "== Node: biome"
    cd bindings-node && npx biome lint

# node --test: tsc, scenarios, every operation
test-node: setup-node
    @echo "== Node: node --test (tsc, scenarios, every operation)"
    cd bindings-node && node --test test/

# the npm packages into dist/node/ (the main one and this platform's): debug, or ARGS=--release
dist-node *ARGS:
    scripts/dist-node.sh {{ ARGS }}

# the packed npm package installed as a user would, without Rust or a C compiler, offline; the quick
# start as CommonJS and as an ES module against `npx imcloud-emulator`
test-dist-node: dist-node
    @echo "== Node: the packed package installed without Rust (tests/dist/node.sh)"
    tests/dist/node.sh

demo-node: setup-node
    @echo "== Node (the example is TypeScript)"
    cd bindings-node && npx tsc -p tsconfig.json && node examples/quickstart.js

# ---------------------------------------------------------------------------------------------
# Kotlin and Swift (UniFFI)

# the UniFFI library and bindgen (debug); generate the Kotlin and Swift bindings
setup-uniffi:
    @echo "== Kotlin/Swift: UniFFI library, bindgen"
    . scripts/kotlin-env.sh

# the generated Swift binding, checked textually (no Swift compiler on this machine kind)
test-swift: setup-uniffi
    bash scripts/check-swift.sh

# mvn test: every operation, errors, coroutine cancel, scenarios, demo
test-kotlin: setup-uniffi
    @echo "== Kotlin: mvn test (every operation, errors, coroutine cancel, scenarios, demo)"
    . scripts/lib.sh && cd bindings-uniffi/kotlin && mvn -q -B clean test -Dimcloud.libdir="$IMCLOUD_LIBDIR"
    python3 scripts/surefire-summary.py bindings-uniffi/kotlin/target/surefire-reports

# the jar as a Maven dependency: `mvn install` (native library inside), then a fresh Maven project
# uses it offline with no cargo/rustc on PATH and no library path (not part of `test` yet)
test-dist-jvm:
    @echo "== JVM: install the artifact, use it from a fresh Maven project"
    bash scripts/dist-jvm.sh
    bash tests/dist/jvm.sh

demo-kotlin: setup-uniffi
    @echo "== Kotlin"
    . scripts/lib.sh && cd bindings-uniffi/kotlin && mvn -q -B test-compile exec:java -Dimcloud.libdir="$IMCLOUD_LIBDIR"
