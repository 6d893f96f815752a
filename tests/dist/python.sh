#!/usr/bin/env bash
# The install test of the Python package: what a user gets from `pip install imcloud`, on a machine
# without Rust. Takes the wheel scripts/dist-python.sh wrote to dist/python/, and
#   1. makes a fresh venv from the system Python (PYTHON, default python3);
#   2. from here on runs everything with PATH = that venv's bin/ only and a clean environment, and
#      proves it: cargo, rustc, maturin and a C compiler are not found;
#   3. installs the wheel with `pip install --only-binary :all: --no-index --find-links dist/python
#      imcloud` (nothing can be built, nothing comes from an index);
#   4. starts the emulator from that installed wheel (`python -m imcloud.emulator`), runs the quick
#      start (bindings-python/examples/quickstart.py) against it, checks what it printed, then
#      stops the emulator with SIGTERM and checks it exited with status 0.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD
DIST=$REPO/dist/python
fail() {
  echo "tests/dist/python.sh: FAIL: $*" >&2
  exit 1
}
shopt -s nullglob
wheels=("$DIST"/imcloud-*.whl)
[ ${#wheels[@]} = 1 ] || fail "expected one wheel in dist/python (run scripts/dist-python.sh), found ${#wheels[@]}"

tmp=$(mktemp -d)
emu_pid=
cleanup() {
  if [ -n "$emu_pid" ] && kill -0 "$emu_pid" 2>/dev/null; then kill -KILL "$emu_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# --- 1. a fresh venv from the system Python
PY=$(command -v "${PYTHON:-python3}") || fail "no ${PYTHON:-python3}"
# the interpreter itself, also when python3 is a venv's (just, or an activated .venv)
PY=$("$PY" -c 'import sys; print(getattr(sys, "_base_executable", sys.executable))')
"$PY" -m venv "$tmp/venv"
VPY=$tmp/venv/bin/python
echo "== fresh venv from $PY ($("$VPY" --version))"

# --- 2. a PATH with nothing but the venv, in a clean environment
BIN=$tmp/venv/bin
mkdir -p "$tmp/home" "$tmp/work"
clean() {
  env -i PATH="$BIN" HOME="$tmp/home" PYTHONUTF8=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 \
    PIP_NO_INPUT=1 "$@"
}
found=$(clean "$BASH" -c 'for c in cargo rustc maturin cc gcc c++ g++ clang zig; do command -v "$c" || true; done')
[ -z "$found" ] || fail "the test's PATH finds build tools: $found"
echo "== PATH=$BIN: no cargo, rustc, maturin, cc, gcc, c++, g++, clang or zig"

# --- 3. install the wheel, and only the wheel
links=(--find-links "$DIST")
if ! "$VPY" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  # typing_extensions, the one dependency below 3.11: a pure-Python wheel fetched beforehand
  "$PY" -m pip download --quiet --only-binary :all: --dest "$tmp/deps" 'typing_extensions>=4.4'
  links+=(--find-links "$tmp/deps")
fi
echo "== pip install --only-binary :all: --no-index ${links[*]} imcloud"
(cd "$tmp/work" && clean "$VPY" -m pip install --quiet --only-binary :all: --no-index "${links[@]}" imcloud)
# from the venv, not from the checkout; typed
where=$(cd "$tmp/work" && clean "$VPY" -c '
import importlib.util, pathlib, imcloud
root = pathlib.Path(imcloud.__file__).parent
assert (root / "py.typed").is_file(), "no py.typed"
assert importlib.util.find_spec("imcloud._native").origin.endswith(".abi3.so")
print(root)')
case "$where" in
  "$tmp/venv/"*) echo "   installed in $where" ;;
  *) fail "imcloud was imported from $where, not from the fresh venv" ;;
esac

# --- 4. the emulator from the wheel, and the quick start against it
echo "== python -m imcloud.emulator (from the installed wheel)"
(cd "$tmp/work" && exec env -i PATH="$BIN" HOME="$tmp/home" PYTHONUTF8=1 "$VPY" -m imcloud.emulator --hosts 2 \
  >"$tmp/emu.out" 2>"$tmp/emu.err") &
emu_pid=$!
for _ in $(seq 1 100); do
  [ -s "$tmp/emu.out" ] && break
  kill -0 "$emu_pid" 2>/dev/null || fail "the emulator exited: $(cat "$tmp/emu.err")"
  sleep 0.1
done
line=$(head -1 "$tmp/emu.out")
[ -n "$line" ] || fail "the emulator printed nothing in 10 s: $(cat "$tmp/emu.err")"
echo "   $line"
read -r admin primary backup < <(clean "$VPY" -c '
import json, sys
line = json.loads(sys.argv[1])
assert line["rongcloud"]["hosts"] == line["easemob"]["hosts"] == line["hosts"], line
print(line["admin"], *line["hosts"])' "$line")
[ -n "${backup:-}" ] || fail "the emulator's line is not what was expected: $line"

echo "== quick start against it (IMCLOUD_EMULATOR_ADMIN=$admin)"
out=$(cd "$tmp/work" && clean IMCLOUD_EMULATOR_ADMIN="$admin" "$VPY" "$REPO/bindings-python/examples/quickstart.py") \
  || fail "the quick start failed: $out"
echo "$out"
grep -qF "emulator hosts: primary $primary, backup $backup" <<<"$out" || fail "the quick start did not use the emulator started above"
grep -qF "identical: True" <<<"$out" || fail "the downloaded share file differs"
grep -q "via backup" <<<"$out" || fail "no call went through the backup"
grep -q "^done: primary served [1-9][0-9]* requests, backup [1-9][0-9]*; 4 messages recorded$" <<<"$out" || fail "unexpected summary"

echo "== SIGTERM the emulator"
kill -TERM "$emu_pid"
status=0
wait "$emu_pid" || status=$?
emu_pid=
[ "$status" = 0 ] || fail "the emulator exited with status $status after SIGTERM: $(cat "$tmp/emu.err")"
echo "   exited 0"
echo "tests/dist/python.sh: OK ($(basename "${wheels[0]}") installed without Rust or a C compiler, quick start passed)"
