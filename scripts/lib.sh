#!/usr/bin/env bash
# Sourced by the other scripts: where this machine's builds go, so cargo, maturin and napi share
# one target/ tree on any OS and CPU (napi always passes --target, which moves cargo's output to
# target/<triple>/; exporting the host triple as CARGO_BUILD_TARGET makes every other build land
# there too, instead of building everything twice).
#
# Exports:
#   CARGO_BUILD_TARGET   the host triple (`rustc -vV`), unless already set (cross builds)
#   IMCLOUD_TARGET_DIR   the workspace's target directory (`cargo metadata`; honours CARGO_TARGET_DIR)
#   IMCLOUD_LIBDIR       $IMCLOUD_TARGET_DIR/$CARGO_BUILD_TARGET/debug: the debug artifacts
#   IMCLOUD_FFI_LIB      the UniFFI library's file there (libimcloud_ffi.so / .dylib, imcloud_ffi.dll)
#   IMCLOUD_EXE          the executable suffix of the target ("" or ".exe")
# Needs only rustc and cargo; works from any directory inside the repository.

imcloud_host_triple() {
  rustc -vV | sed -n 's/^host: //p'
}

imcloud_target_dir() {
  # one line of JSON; the path is the value of "target_directory" (JSON-escaped backslashes undone)
  cargo metadata --format-version 1 --no-deps --offline 2>/dev/null \
    | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p' | sed 's/\\\\/\\/g'
}

if [ -z "${CARGO_BUILD_TARGET:-}" ]; then
  CARGO_BUILD_TARGET="$(imcloud_host_triple)"
fi
export CARGO_BUILD_TARGET
IMCLOUD_TARGET_DIR="$(imcloud_target_dir)"
if [ -z "$IMCLOUD_TARGET_DIR" ]; then
  echo "scripts/lib.sh: cargo metadata did not name a target directory" >&2
  return 1 2>/dev/null || exit 1
fi
export IMCLOUD_TARGET_DIR
export IMCLOUD_LIBDIR="$IMCLOUD_TARGET_DIR/$CARGO_BUILD_TARGET/debug"
case "$CARGO_BUILD_TARGET" in
  *-apple-*) IMCLOUD_FFI_LIB="$IMCLOUD_LIBDIR/libimcloud_ffi.dylib"; IMCLOUD_EXE="" ;;
  *-windows-*) IMCLOUD_FFI_LIB="$IMCLOUD_LIBDIR/imcloud_ffi.dll"; IMCLOUD_EXE=".exe" ;;
  *) IMCLOUD_FFI_LIB="$IMCLOUD_LIBDIR/libimcloud_ffi.so"; IMCLOUD_EXE="" ;;
esac
export IMCLOUD_FFI_LIB IMCLOUD_EXE
