#!/usr/bin/env bash
# The JVM library as a Maven artifact: build the UniFFI library (debug, with the `testing` feature
# so imcloud.testing.Emulator works from the jar) and its Kotlin binding (scripts/kotlin-env.sh),
# then `mvn install` io.github.imcloud:imcloud:0.1.0 into the local Maven repository (~/.m2): the
# jar with the native library inside as a JNA resource (<JNA prefix>/libimcloud_ffi.so), the
# sources jar and the javadoc jar. Tests are not run here (`just test-kotlin` runs them).
#
# A release jar carries every platform's library: build each (release) and put it in
# bindings-uniffi/kotlin/natives/<JNA prefix>/ (linux-x86-64, linux-aarch64, darwin-x86-64,
# darwin-aarch64, win32-x86-64) or pass -Dimcloud.natives=DIR; extra mvn arguments go through
# (e.g. `scripts/dist-jvm.sh -Prelease deploy` once a repository is configured).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/kotlin-env.sh
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) prefix=linux-x86-64 ;;
  Linux-aarch64) prefix=linux-aarch64 ;;
  Darwin-x86_64) prefix=darwin-x86-64 ;;
  Darwin-arm64) prefix=darwin-aarch64 ;;
  *) prefix=win32-x86-64 ;;
esac
cd bindings-uniffi/kotlin
echo "== JVM: mvn install io.github.imcloud:imcloud:0.1.0 (native library from $IMCLOUD_FFI_LIB)"
goals=("$@")
[ ${#goals[@]} -gt 0 ] || goals=(install)
mvn -q -B clean "${goals[@]}" -Dmaven.test.skip=true -Dimcloud.libdir="$IMCLOUD_LIBDIR"
jar=target/imcloud-0.1.0.jar
for f in "$jar" target/imcloud-0.1.0-sources.jar target/imcloud-0.1.0-javadoc.jar; do
  [ -s "$f" ] || { echo "dist-jvm: $f was not built" >&2; exit 1; }
done
lib="$(basename "$IMCLOUD_FFI_LIB")"
natives="$(unzip -Z1 "$jar" | grep 'imcloud_ffi\.\(so\|dylib\|dll\)$' || true)"
if ! grep -qxF "$prefix/$lib" <<<"$natives"; then
  echo "dist-jvm: $jar does not carry $prefix/$lib" >&2
  exit 1
fi
echo "   $jar carries: $(tr '\n' ' ' <<<"$natives")"
