'use strict'
// The declarations compile, and the example type-checks under --strict and runs. (That the
// generated code is what the catalogue gives is `cargo run -q -p xtask -- gen --check`.)
const test = require('node:test')
const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const path = require('node:path')

const root = path.join(__dirname, '..')
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, encoding: 'utf8', timeout: 300000 })

test('the declarations and the example type-check, and the example runs', () => {
  const tsc = run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'])
  assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr)
  const demo = run(process.execPath, ['examples/quickstart.js'])
  assert.equal(demo.status, 0, demo.stdout + demo.stderr)
  assert.match(demo.stdout, /via backup/)
})
