#!/usr/bin/env bash
# Build the Swift package's binary target on macOS: the Rust core (imcloud-uniffi, release, as a
# static library) for arm64 and x86_64 macOS (plus iOS device/simulator with IMCLOUD_IOS=1), one
# universal library per platform (lipo), the UniFFI Swift glue, and
# bindings-uniffi/swift/build/ImcloudFFIFFI.xcframework (+ a .zip and its SwiftPM checksum for releases).
# Needs Xcode's command line tools (xcodebuild, lipo) and rustup; refuses to run elsewhere.
# Not run on this repository's Linux development machines (no Xcode there): written for macOS CI.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(uname -s)" != "Darwin" ]; then
  echo "build-xcframework.sh: XCFrameworks are built on macOS (xcodebuild, lipo); this is $(uname -s)" >&2
  exit 2
fi
for tool in xcodebuild lipo rustup cargo; do
  command -v "$tool" >/dev/null || { echo "build-xcframework.sh: $tool not found" >&2; exit 2; }
done

out=bindings-uniffi/swift/build
features="${IMCLOUD_FEATURES:-imcloud-uniffi/testing}"   # the emulator (imcloud.testing) included
mac_targets=(aarch64-apple-darwin x86_64-apple-darwin)
ios_targets=()
if [ "${IMCLOUD_IOS:-0}" = 1 ]; then
  ios_targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios)
fi

rustup target add "${mac_targets[@]}" "${ios_targets[@]}" >/dev/null
for t in "${mac_targets[@]}" "${ios_targets[@]}"; do
  echo "== cargo build --release --target $t"
  cargo build --release --quiet -p imcloud-uniffi --features "$features" --target "$t"
done

# The glue, from the host's library (the same for every Apple target).
host=$(rustc -vV | sed -n 's/^host: //p')
cargo build --release --quiet -p imcloud-uniffi -p uniffi-bindgen --features "$features" --target "$host"
rm -rf bindings-uniffi/swift/generated
"target/$host/release/uniffi-bindgen" generate "target/$host/release/libimcloud_ffi.dylib" \
  --language swift --out-dir bindings-uniffi/swift/generated >/dev/null

rm -rf "$out" && mkdir -p "$out/headers" "$out/lib"
cp bindings-uniffi/swift/generated/ImcloudFFIFFI.h "$out/headers/"
# XCFramework headers take the module map as module.modulemap
cp bindings-uniffi/swift/generated/ImcloudFFIFFI.modulemap "$out/headers/module.modulemap"

args=()
lipo -create target/aarch64-apple-darwin/release/libimcloud_ffi.a \
  target/x86_64-apple-darwin/release/libimcloud_ffi.a -output "$out/lib/libimcloud_ffi-macos.a"
args+=(-library "$out/lib/libimcloud_ffi-macos.a" -headers "$out/headers")
if [ "${#ios_targets[@]}" -gt 0 ]; then
  args+=(-library target/aarch64-apple-ios/release/libimcloud_ffi.a -headers "$out/headers")
  lipo -create target/aarch64-apple-ios-sim/release/libimcloud_ffi.a \
    target/x86_64-apple-ios/release/libimcloud_ffi.a -output "$out/lib/libimcloud_ffi-ios-sim.a"
  args+=(-library "$out/lib/libimcloud_ffi-ios-sim.a" -headers "$out/headers")
fi
xcodebuild -create-xcframework "${args[@]}" -output "$out/ImcloudFFIFFI.xcframework" >/dev/null

(cd "$out" && rm -f ImcloudFFIFFI.xcframework.zip && zip -qry ImcloudFFIFFI.xcframework.zip ImcloudFFIFFI.xcframework)
checksum=$(swift package compute-checksum "$out/ImcloudFFIFFI.xcframework.zip")
echo "$checksum" > "$out/ImcloudFFIFFI.xcframework.zip.checksum"
echo "built $out/ImcloudFFIFFI.xcframework (zip checksum $checksum); now: swift build"
