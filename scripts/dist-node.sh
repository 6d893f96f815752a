#!/usr/bin/env bash
# Build and pack the npm packages into dist/node/:
#   imcloud-<version>.tgz             the main package: lib/ (CommonJS + ES module entries and
#                                     their declarations), bin/imcloud-emulator.js, native.js (the
#                                     loader napi generates), with an optionalDependency on every
#                                     platform package of `napi.targets` at the same version
#   imcloud-<platform>-<version>.tgz  this machine's platform package (bindings-node/npm/<platform>/,
#                                     made by `napi create-npm-dirs`): the addon, with os/cpu/libc
# The addon is built with the `testing` feature, so `imcloud/testing` and `npx imcloud-emulator`
# work from the installed package. A debug build unless --release (debug is what tests/dist/node.sh
# needs; a release publishes every target's package, each built on its own machine or in CI).
#
# Usage: scripts/dist-node.sh [--release]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

profile=()
case "${1:-}" in
  --release) profile=(--release) ;;
  "") ;;
  *) echo "usage: scripts/dist-node.sh [--release]" >&2; exit 2 ;;
esac

out="$PWD/dist/node"
stage="$(mktemp -d "${TMPDIR:-/tmp}/imcloud-dist-node.XXXXXX")"
trap 'rm -rf "$stage"' EXIT
rm -rf "$out"
mkdir -p "$out"

cd bindings-node
npm install --no-audit --no-fund --loglevel=error
# the addon and its loader into the stage (the working tree's own build is left alone)
npx napi build --platform --target "$CARGO_BUILD_TARGET" --features testing "${profile[@]}" \
  --output-dir "$stage/addon" --js native.js --dts native.d.ts
addons=("$stage"/addon/imcloud.*.node)
[ "${#addons[@]}" -eq 1 ] || { echo "dist-node: expected one addon, got: ${addons[*]}" >&2; exit 1; }
addon="$(basename "${addons[0]}")"
platform="${addon#imcloud.}"
platform="${platform%.node}"
[ -f "npm/$platform/package.json" ] || {
  echo "dist-node: no npm/$platform/ for $CARGO_BUILD_TARGET: add it to napi.targets and run npx napi create-npm-dirs" >&2
  exit 1
}

# the platform package: npm/<platform>/ with the addon and the licence
mkdir -p "$stage/platform"
cp "npm/$platform/package.json" "npm/$platform/README.md" LICENSE "$stage/addon/$addon" "$stage/platform/"

# the main package: what package.json's `files` names, the loader, and package.json with the
# optionalDependencies (as `napi pre-publish` adds them), without the development scripts
mkdir -p "$stage/main"
cp -R lib bin LICENSE README.md "$stage/main/"
cp "$stage/addon/native.js" "$stage/addon/native.d.ts" "$stage/main/"
node - "$stage/main/package.json" <<'EOF'
const fs = require('node:fs')
const path = require('node:path')
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'))
const optional = {}
for (const dir of fs.readdirSync('npm').sort()) {
  const p = JSON.parse(fs.readFileSync(path.join('npm', dir, 'package.json'), 'utf8'))
  if (p.version !== pkg.version) throw new Error(`npm/${dir}: version ${p.version}, the package's is ${pkg.version}`)
  optional[p.name] = p.version
}
if (Object.keys(optional).length !== pkg.napi.targets.length) {
  throw new Error(`npm/ has ${Object.keys(optional).length} platform packages for ${pkg.napi.targets.length} napi.targets: run npx napi create-npm-dirs`)
}
pkg.optionalDependencies = optional
delete pkg.scripts
delete pkg.devDependencies
fs.writeFileSync(process.argv[2], `${JSON.stringify(pkg, null, 2)}\n`)
EOF

for dir in main platform; do
  (cd "$stage/$dir" && npm pack --silent --pack-destination "$out" >/dev/null)
done
cd "$out"
for f in *.tgz; do
  echo "dist/node/$f ($(du -h "$f" | cut -f1))"
done
