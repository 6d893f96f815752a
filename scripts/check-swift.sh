#!/usr/bin/env bash
# There is no Swift compiler on this machine kind: check the generated Swift binding textually
# for the API the Swift package will build on (async methods, the error type, the module map).
set -euo pipefail
cd "$(dirname "$0")/.."
swift=bindings-uniffi/swift/generated/ImcloudFFI.swift
for want in \
  'open class RongCloudClient' \
  'open class EasemobClient' \
  'open class EmulatorHandle' \
  'func call(op: String, argsJson: String) async throws  -> Reply' \
  'func upload(op: String, argsJson: String, path: String?, data: Data?, name: String?) async throws  -> Reply' \
  'func download(op: String, argsJson: String, path: String?) async throws  -> DownloadReply' \
  'enum FfiError: Swift.Error' \
  'public struct Reply'; do
  if ! grep -qF "$want" "$swift"; then
    echo "generated Swift lacks: $want" >&2
    exit 1
  fi
done
test -f bindings-uniffi/swift/generated/ImcloudFFIFFI.h
test -f bindings-uniffi/swift/generated/ImcloudFFIFFI.modulemap
echo "Swift binding generated: $(grep -c 'async throws' "$swift") async functions (not compiled: no Swift toolchain here)"
