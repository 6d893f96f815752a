#!/usr/bin/env bash
# Build the UniFFI library and its bindgen (debug), and generate the Kotlin and Swift bindings.
# Sourced; sets IMCLOUD_LIBDIR (the directory JNA loads the library from) and IMCLOUD_FFI_LIB
# (the library file: libimcloud_ffi.so, .dylib or imcloud_ffi.dll), see scripts/lib.sh.
set -euo pipefail
. scripts/lib.sh
# `imcloud-uniffi/testing`: the emulator behind Kotlin/Swift `imcloud.testing` (a plain build leaves it out)
cargo build --quiet -p imcloud-uniffi -p uniffi-bindgen --features imcloud-uniffi/testing
rm -rf bindings-uniffi/kotlin/generated bindings-uniffi/swift/generated
for lang in kotlin swift; do
  "$IMCLOUD_LIBDIR/uniffi-bindgen$IMCLOUD_EXE" generate "$IMCLOUD_FFI_LIB" --language "$lang" --no-format \
    --out-dir "bindings-uniffi/$lang/generated" >/dev/null
done
