#!/usr/bin/env bash
# The npm package as a user gets it, on a machine without Rust: the tarballs of
# scripts/dist-node.sh (dist/node/) installed into a fresh project whose PATH has node, npm, npx
# and sh only (no cargo, rustc, napi or C compiler; checked), offline (npm's registry set to an
# address nothing answers, an empty cache), without install scripts. Then the quick start
# (bindings-node/examples/quickstart.ts, compiled here beforehand to CommonJS and to an ES module)
# runs as quickstart.cjs and as quickstart.mjs, each against an emulator started with the installed
# package's bin (`npx imcloud-emulator`), stopped with SIGTERM (exit code 0).
#
# Usage: tests/dist/node.sh   (after scripts/dist-node.sh; `just test-dist-node` does both)
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
version="$(node -p "require('$repo/bindings-node/package.json').version")"
main_tgz="$repo/dist/node/imcloud-$version.tgz"
platform_tgzs=("$repo"/dist/node/imcloud-*-"$version".tgz)
[ -f "$main_tgz" ] && [ -f "${platform_tgzs[0]}" ] || {
  echo "tests/dist/node.sh: no dist/node/imcloud-$version.tgz and platform package: run scripts/dist-node.sh" >&2
  exit 1
}

work="$(mktemp -d "${TMPDIR:-/tmp}/imcloud-dist-node-test.XXXXXX")"
emu_pid=""
cleanup() {
  if [ -n "$emu_pid" ]; then kill "$emu_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "tests/dist/node.sh: FAIL: $*" >&2
  exit 1
}

echo "== compile the quick start (TypeScript) to CommonJS and to an ES module (with the repository's tsc)"
(
  cd "$repo/bindings-node"
  tsc=node_modules/typescript/bin/tsc
  [ -f "$tsc" ] || npm install --no-audit --no-fund --loglevel=error
  # CommonJS, type-checked against the package's declarations (tsconfig.json: node16)
  node "$tsc" -p tsconfig.json --outDir "$work/build/cjs"
  # the same source as an ES module (already type-checked just above)
  node "$tsc" --noCheck --rootDir . --target es2022 --module es2022 --moduleResolution bundler \
    --types node --outDir "$work/build/esm" examples/quickstart.ts
)

echo "== a PATH with node, npm, npx and sh only"
mkdir -p "$work/bin" "$work/home" "$work/cache" "$work/app"
for tool in node npm npx sh; do
  ln -s "$(readlink -f "$(command -v "$tool")")" "$work/bin/$tool"
done
isolated() {
  env -i PATH="$work/bin" HOME="$work/home" TMPDIR="${TMPDIR:-/tmp}" \
    npm_config_cache="$work/cache" npm_config_registry=http://127.0.0.1:9/ \
    npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false "$@"
}
for tool in cargo rustc rustup napi cc gcc clang c++ g++ clang++ tcc ld make; do
  if found="$(isolated sh -c "command -v $tool")"; then fail "$tool is on the test's PATH ($found)"; fi
done
isolated sh -c 'command -v node >/dev/null && command -v npm >/dev/null' || fail "node or npm missing from the test's PATH"
echo "   none of cargo, rustc, rustup, napi, cc, gcc, clang, c++, g++, clang++, tcc, ld, make"

echo "== npm install the packed tarballs (offline, no scripts): $(basename "$main_tgz") ${platform_tgzs[*]##*/}"
cd "$work/app"
printf '{ "name": "imcloud-dist-test", "version": "1.0.0", "private": true }\n' >package.json
isolated npm install --offline --ignore-scripts --loglevel=error "$main_tgz" "${platform_tgzs[@]}"
[ -z "$(find node_modules/imcloud -name '*.node')" ] || fail "the main package carries an addon"
[ -n "$(find node_modules/imcloud-* -maxdepth 1 -name 'imcloud.*.node')" ] || fail "no addon in the platform package"
[ -x node_modules/.bin/imcloud-emulator ] || fail "no imcloud-emulator bin"

echo "== the same objects through require and import"
isolated node --input-type=module -e "
  import { createRequire } from 'node:module'
  import { RongCloud, InvalidArgumentError, RongCloudEvents } from 'imcloud'
  import { Emulator } from 'imcloud/testing'
  const require = createRequire(process.cwd() + '/')
  const cjs = require('imcloud')
  if (RongCloud !== cjs.RongCloud || InvalidArgumentError !== cjs.InvalidArgumentError || RongCloudEvents !== cjs.RongCloudEvents) throw new Error('not the same objects')
  if (Emulator !== require('imcloud/testing').Emulator) throw new Error('not the same Emulator')
  try { new RongCloud({}) } catch (e) { if (!(e instanceof cjs.InvalidArgumentError)) throw e }
  console.log('   import and require agree')
"

# start `npx imcloud-emulator`; sets emu_pid (the emulator's own process), emu_npx, emu_line and
# emu_primary (its primary host)
start_emulator() {
  isolated npx --offline imcloud-emulator --hosts 2 >"$work/emu.out" 2>"$work/emu.err" &
  emu_npx=$!
  for _ in $(seq 300); do
    [ -s "$work/emu.out" ] && break
    kill -0 "$emu_npx" 2>/dev/null || fail "imcloud-emulator exited: $(cat "$work/emu.err")"
    sleep 0.1
  done
  emu_line="$(head -n 1 "$work/emu.out")"
  emu_pid="$(node -p "JSON.parse(process.argv[1]).pid" "$emu_line")" || fail "not a JSON line: $emu_line"
  emu_primary="$(node -p "JSON.parse(process.argv[1]).hosts[0]" "$emu_line")"
  echo "   $(cat "$work/emu.err")"
}

stop_emulator() {
  kill -TERM "$emu_pid"
  local code=0
  wait "$emu_npx" || code=$?
  emu_pid=""
  [ "$code" -eq 0 ] || fail "imcloud-emulator (through npx) exited $code after SIGTERM"
  echo "   stopped with SIGTERM, exit code 0"
}

for kind in cjs mjs; do
  case "$kind" in
    cjs) cp "$work/build/cjs/examples/quickstart.js" quickstart.cjs ;;
    mjs) cp "$work/build/esm/examples/quickstart.js" quickstart.mjs ;;
  esac
  echo "== the quick start as quickstart.$kind"
  start_emulator
  isolated IMCLOUD_EMULATOR="$emu_line" node "quickstart.$kind" >"$work/out.txt" 2>&1 \
    || fail "quickstart.$kind: $(cat "$work/out.txt")"
  sed 's/^/   /' "$work/out.txt"
  grep -qF "emulator hosts: primary $emu_primary," "$work/out.txt" || fail "quickstart.$kind did not use the emulator of imcloud-emulator"
  grep -q "via backup" "$work/out.txt" || fail "quickstart.$kind never went through the backup host"
  grep -qE "^done: primary served [0-9]+ requests, backup [1-9][0-9]*; 4 messages recorded" "$work/out.txt" \
    || fail "quickstart.$kind did not finish as expected"
  stop_emulator
done
echo "tests/dist/node.sh: ok"
