#!/usr/bin/env bash
# Build what `pip install imcloud` takes into dist/python/: the abi3 wheel (CPython 3.9+) of this
# machine's platform and the sdist, and check them. On Linux the wheel must be manylinux: the
# script fails unless `auditwheel show` reports a manylinux platform tag and that tag is the
# wheel's own.
#
#   scripts/dist-python.sh [--release] [--zig]
#
#   (default)   the dev profile (debug): quick, reuses the workspace's target/ (what the install
#               test, tests/dist/python.sh, installs)
#   --release   the release profile, for publishing (or IMCLOUD_DIST_RELEASE=1)
#   --zig       Linux: link with zig (the `ziglang` wheel) for manylinux2014 (glibc 2.17+) instead
#               of this machine's glibc (or IMCLOUD_DIST_ZIG=1). Builds in target/zig/: the C parts
#               (aws-lc, ring) are compiled by zig there, so the usual target/ is not rebuilt.
#   IMCLOUD_DIST_SDIST_BUILD=1  also build a wheel from the sdist (proves it holds everything a
#               from-source build needs; compiles the workspace's crates again from the sdist's copy)
#
# The wheel carries the emulator (the `testing` feature, set in bindings-python/pyproject.toml):
# `imcloud.testing` and `python -m imcloud.emulator` work from an installed wheel.
set -euo pipefail
cd "$(dirname "$0")/.."

release=${IMCLOUD_DIST_RELEASE:-0}
zig=${IMCLOUD_DIST_ZIG:-0}
for a in "$@"; do
  case "$a" in
    --release) release=1 ;;
    --zig) zig=1 ;;
    -h | --help)
      sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "dist-python.sh: unknown argument $a (--release, --zig)" >&2
      exit 2
      ;;
  esac
done

. scripts/lib.sh
. scripts/venv.sh
fail() {
  echo "dist-python.sh: $*" >&2
  exit 1
}
need() { # the build venv's extra tools, installed once
  python -m pip show --quiet "$1" >/dev/null 2>&1 || python -m pip install --quiet "$1"
}
need auditwheel
need twine

OUT=dist/python
rm -rf "$OUT"
mkdir -p "$OUT"

build=(maturin build -m bindings-python/Cargo.toml --out "$OUT" --target "$CARGO_BUILD_TARGET")
if [ "$release" = 1 ]; then
  build+=(--release)
else
  build+=(--profile dev)
fi
if [ "$zig" = 1 ]; then
  need ziglang
  build+=(--zig --compatibility manylinux2014)
  build=(env CARGO_TARGET_DIR="$IMCLOUD_TARGET_DIR/zig" "${build[@]}")
fi
echo "== wheel: ${build[*]}"
"${build[@]}"
echo "== sdist: maturin sdist"
maturin sdist -m bindings-python/Cargo.toml --out "$OUT"

shopt -s nullglob
wheels=("$OUT"/*.whl)
sdists=("$OUT"/*.tar.gz)
[ ${#wheels[@]} = 1 ] || fail "expected one wheel in $OUT, found ${#wheels[@]}"
[ ${#sdists[@]} = 1 ] || fail "expected one sdist in $OUT, found ${#sdists[@]}"
wheel=${wheels[0]}
sdist=${sdists[0]}
name=$(basename "$wheel" .whl)
case "$name" in
  *-cp39-abi3-*) ;;
  *) fail "$name is not an abi3 wheel for CPython 3.9+" ;;
esac

# --- the platform tag
if [ "$(uname -s)" = Linux ]; then
  echo "== auditwheel show"
  report=$(auditwheel show "$wheel" 2>&1) || fail "auditwheel show failed: $report"
  echo "$report"
  # "… is consistent with the following platform tag: "manylinux_2_34_x86_64"." (wrapped)
  tag=$(echo "$report" | tr '\n' ' ' | grep -o 'platform tag: "[^"]*"' | head -1 | sed 's/.*"\(.*\)"/\1/')
  case "$tag" in
    manylinux*) ;;
    *) fail "auditwheel reports the platform tag '${tag:-none}', not a manylinux one" ;;
  esac
  # the wheel's own platform tags (the name's last part, dot-separated) must include it
  plats=${name##*-}
  case ".$plats." in
    *".$tag."*) ;;
    *) fail "the wheel is tagged $plats but auditwheel says $tag" ;;
  esac
  echo "   manylinux: $tag"
else
  echo "== auditwheel: skipped (not Linux; the wheel is tagged ${name##*-})"
fi

# --- what the wheel holds
echo "== wheel contents"
listing=$(python -m zipfile -l "$wheel" | awk 'NR > 1 {print $1}')
for f in imcloud/py.typed imcloud/_native.pyi imcloud/emulator.py imcloud/testing/__init__.py \
  imcloud/testing/pytest_plugin.py; do
  grep -qx "$f" <<<"$listing" || fail "the wheel has no $f"
done
grep -qE '^imcloud/_native\.(abi3\.so|pyd)$' <<<"$listing" || fail "the wheel has no native module"
grep -qE '^imcloud-[^/]*\.dist-info/licenses/LICENSE$' <<<"$listing" || fail "the wheel has no LICENSE"
grep -qE '^imcloud-[^/]*\.dist-info/entry_points\.txt$' <<<"$listing" || fail "the wheel has no entry points (pytest plugin)"
echo "   py.typed, stubs, emulator, LICENSE, entry points: present"

# --- what the sdist holds: everything a from-source build needs
echo "== sdist contents"
top=$(basename "$sdist" .tar.gz)
slist=$(tar tzf "$sdist")
for f in pyproject.toml PKG-INFO LICENSE Cargo.toml Cargo.lock bindings-python/Cargo.toml \
  bindings-python/src/lib.rs bindings-python/README.md python/imcloud/py.typed python/imcloud/_native.pyi \
  python/imcloud/emulator.py core/Cargo.toml emulator/Cargo.toml catalogue/Cargo.toml catalogue/build.rs; do
  grep -qx "$top/$f" <<<"$slist" || fail "the sdist has no $f"
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar xzf "$sdist" -C "$tmp"
# the sdist's workspace resolves with the versions of its Cargo.lock: cargo only drops the entries
# of the workspace members left out of the sdist (xtask, the other bindings), it picks no new one
pins() { sed -n '/^name = /{N;s/^name = "\(.*\)"\nversion = "\(.*\)"/\1 \2/p}' "$1" | sort -u; }
pins "$tmp/$top/Cargo.lock" >"$tmp/pins.before"
cargo metadata --format-version 1 --offline --manifest-path "$tmp/$top/Cargo.toml" >/dev/null \
  || fail "the sdist's Cargo workspace does not resolve (cargo metadata --offline)"
pins "$tmp/$top/Cargo.lock" >"$tmp/pins.after"
new_pins=$(comm -13 "$tmp/pins.before" "$tmp/pins.after")
[ -z "$new_pins" ] || fail "the sdist's Cargo.lock does not pin: $new_pins"
[ -s "$tmp/pins.after" ] || fail "the sdist's Cargo.lock is empty"
echo "   Cargo.lock, pyproject, sources of core/emulator/catalogue/binding, LICENSE: present; workspace resolves"

echo "== twine check"
twine check --strict "$wheel" "$sdist"

if [ "${IMCLOUD_DIST_SDIST_BUILD:-0}" = 1 ]; then
  echo "== a wheel from the sdist (pip wheel --no-deps --no-build-isolation)"
  # in the workspace's target/ so the registry crates are reused (the sdist's own crates are built
  # again: their sources are at another path)
  CARGO_TARGET_DIR="$IMCLOUD_TARGET_DIR" MATURIN_PEP517_ARGS="--profile dev --target $CARGO_BUILD_TARGET" \
    python -m pip wheel --quiet --no-deps --no-build-isolation -w "$tmp/from-sdist" "$sdist"
  ls "$tmp/from-sdist"/*.whl
fi

echo "dist/python: $(basename "$wheel") ($(du -k "$wheel" | cut -f1) KiB), $(basename "$sdist")"
