#!/usr/bin/env bash
# Install the Node package's tools from its lockfile and build the addon (debug; it shares the
# workspace's target directory). Sourced by run-demo.sh and run-tests.sh.
set -euo pipefail
(
  cd bindings-node
  npm install --no-audit --no-fund --loglevel=error
  # `--features testing`: the emulator behind `imcloud/testing` (a plain build leaves it out)
  npx napi build --platform --features testing --js native.js --dts native.d.ts
)
