// The ES module entries (`import … from 'imcloud'`, `'imcloud/testing'`, through the package's own
// `exports`) give every name the CommonJS entries give, as the very same objects; and the
// declarations type-check for both module kinds.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import test from 'node:test'
import { fileURLToPath } from 'node:url'

import * as esm from 'imcloud'
import imcloudDefault, { InvalidArgumentError, NotFoundError, RongCloud, RongCloudEvents } from 'imcloud'
import * as esmTesting from 'imcloud/testing'
import { Emulator } from 'imcloud/testing'

const require = createRequire(import.meta.url)
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const cjs = require('imcloud')
const cjsTesting = require('imcloud/testing')

const named = (ns) => Object.keys(ns).filter((k) => k !== 'default').sort()

test('the ES module has a named export for every CommonJS export, the very same object', () => {
  assert.deepEqual(named(esm), Object.keys(cjs).sort())
  const exported = { ...esm }
  for (const k of Object.keys(cjs)) assert.equal(exported[k], cjs[k], k)
  assert.equal(imcloudDefault, cjs)
  assert.equal(require('../lib/index.js'), cjs, 'the package name and the file are one module')
})

test('imcloud/testing as an ES module is the CommonJS one', () => {
  assert.deepEqual(named(esmTesting), Object.keys(cjsTesting).sort())
  assert.equal(Emulator, cjsTesting.Emulator)
  assert.equal(esmTesting.default, cjsTesting)
  assert.equal(require('imcloud/lib/testing'), cjsTesting, 'the former path still works')
})

test('errors thrown through either entry are instances of the classes of both', async () => {
  assert.throws(() => new RongCloud({ appKey: 1 }), (e) => e instanceof cjs.InvalidArgumentError && e instanceof InvalidArgumentError)
  assert.throws(() => new cjs.RongCloud(null), InvalidArgumentError)
  const emu = new Emulator({ hosts: 1 })
  try {
    const rc = emu.rongcloud()
    assert.ok(rc instanceof RongCloud && rc instanceof cjs.RongCloud)
    const r = await rc.userRegister({ userId: 'esm-u1', name: 'Ann' })
    assert.ok(r instanceof esm.RongCloudUserRegisterResult && r instanceof cjs.Result)
    const ev = rc.parseCallback(JSON.stringify([{ userid: 'u1', status: '0', os: 'iOS', time: 1, clientIp: '1.2.3.4:5' }]))
    assert.ok(ev.length === 1 && ev[0] instanceof RongCloudEvents[ev[0].kind])
    const em = emu.easemob()
    await assert.rejects(em.userGet({ username: 'nobody-esm' }), (e) => e instanceof NotFoundError && e instanceof cjs.ImcloudError)
  } finally {
    emu.stop()
  }
})

test('the declarations type-check when imported from an ES module and from CommonJS', () => {
  const check = (file, body) => writeFileSync(join(root, 'test', file), body)
  // inside the package, so `imcloud` resolves to itself through `exports` (nodenext)
  const mts = 'types-check.tmp.mts'
  const cts = 'types-check.tmp.cts'
  check(
    mts,
    [
      "import imcloud, { RongCloud, InvalidArgumentError, type RongCloudUserRegisterResult } from 'imcloud'",
      "import { Emulator } from 'imcloud/testing'",
      "const rc: RongCloud = new RongCloud({ appKey: 'k', appSecret: 's', hosts: ['http://127.0.0.1:1'], allowInsecureHttp: true })",
      'const r: Promise<RongCloudUserRegisterResult> = rc.userRegister({ userId: "u", name: "n" })',
      'const e: typeof InvalidArgumentError = imcloud.InvalidArgumentError',
      'const emu: Emulator = new Emulator({ hosts: 1 })',
      'export { r, e, emu }',
      '',
    ].join('\n'),
  )
  check(
    cts,
    [
      "import { RongCloud, NotFoundError } from 'imcloud'",
      "import { Emulator } from 'imcloud/testing'",
      "const rc = new RongCloud({ appKey: 'k', appSecret: 's', region: 'singapore' })",
      'const n: typeof NotFoundError = NotFoundError',
      'export = { rc, n, Emulator }',
      '',
    ].join('\n'),
  )
  const args = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node']
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), ...args, join('test', mts), join('test', cts)], {
    cwd: root,
    encoding: 'utf8',
    timeout: 300000,
  })
  rmSync(join(root, 'test', mts))
  rmSync(join(root, 'test', cts))
  assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr)
})
