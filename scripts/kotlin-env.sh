#!/usr/bin/env bash
# Build the UniFFI library and its bindgen (debug), and generate the Kotlin and Swift bindings.
# Sourced by run-demo.sh and run-tests.sh; sets IMCLOUD_LIBDIR.
set -euo pipefail
# `imcloud-uniffi/testing`: the emulator behind Kotlin/Swift `imcloud.testing` (a plain build leaves it out)
cargo build --quiet -p imcloud-uniffi -p uniffi-bindgen --features imcloud-uniffi/testing
IMCLOUD_LIBDIR="$(cd "${CARGO_TARGET_DIR:-target}/x86_64-unknown-linux-gnu/debug" && pwd)"
export IMCLOUD_LIBDIR
rm -rf bindings-uniffi/kotlin/generated bindings-uniffi/swift/generated
"$IMCLOUD_LIBDIR/uniffi-bindgen" generate "$IMCLOUD_LIBDIR/libimcloud_ffi.so" --language kotlin --no-format \
  --out-dir bindings-uniffi/kotlin/generated >/dev/null
"$IMCLOUD_LIBDIR/uniffi-bindgen" generate "$IMCLOUD_LIBDIR/libimcloud_ffi.so" --language swift --no-format \
  --out-dir bindings-uniffi/swift/generated >/dev/null
