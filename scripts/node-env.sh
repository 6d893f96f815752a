#!/usr/bin/env bash
# Install the Node package's tools from its lockfile and build the addon (debug, for the host
# triple of scripts/lib.sh, so it shares the workspace's target/<triple>/ tree). Sourced.
set -euo pipefail
. scripts/lib.sh
(
  cd bindings-node
  npm install --no-audit --no-fund --loglevel=error
  # `--features testing`: the emulator behind `imcloud/testing` (a plain build leaves it out)
  npx napi build --platform --target "$CARGO_BUILD_TARGET" --features testing --js native.js --dts native.d.ts
)
