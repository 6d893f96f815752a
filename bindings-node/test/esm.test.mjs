// The ES module entries (`import … from 'imcloud'`, `'imcloud/testing'`, through the package's own
// `exports`) give every name the CommonJS entries give, as the very same objects; and the
// declarations type-check for both module kinds.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
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

/** tsc over files written into test/ (inside the package, so `imcloud` resolves to itself). */
function tsc(files, options) {
  for (const [name, lines] of Object.entries(files)) writeFileSync(join(root, 'test', name), [...lines, ''].join('\n'))
  try {
    const args = ['--noEmit', '--strict', '--target', 'es2022', '--types', 'node', ...options, ...Object.keys(files).map((f) => join('test', f))]
    return spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), ...args], { cwd: root, encoding: 'utf8', timeout: 300000 })
  } finally {
    for (const name of Object.keys(files)) rmSync(join(root, 'test', name))
  }
}

test('the declarations type-check when imported from an ES module and from CommonJS (nodenext)', () => {
  const r = tsc(
    {
      'types-check.tmp.mts': [
        "import imcloud, { RongCloud, InvalidArgumentError, type RongCloudUserRegisterResult } from 'imcloud'",
        "import { Emulator } from 'imcloud/testing'",
        "const rc: RongCloud = new RongCloud({ appKey: 'k', appSecret: 's', hosts: ['http://127.0.0.1:1'], allowInsecureHttp: true })",
        'const r: Promise<RongCloudUserRegisterResult> = rc.userRegister({ userId: "u", name: "n" })',
        'const e: typeof InvalidArgumentError = imcloud.InvalidArgumentError',
        'const emu: Emulator = new Emulator({ hosts: 1, bind: "127.0.0.1", adminPort: 0 })',
        'export { r, e, emu }',
      ],
      'types-check.tmp.cts': [
        "import { RongCloud, NotFoundError } from 'imcloud'",
        "import { Emulator } from 'imcloud/testing'",
        "const rc = new RongCloud({ appKey: 'k', appSecret: 's', region: 'singapore' })",
        'const n: typeof NotFoundError = NotFoundError',
        'export = { rc, n, Emulator }',
      ],
    },
    ['--module', 'nodenext', '--moduleResolution', 'nodenext'],
  )
  assert.equal(r.status, 0, r.stdout + r.stderr)
})

test('the declarations of imcloud and imcloud/testing resolve without exports support (module commonjs, node10)', () => {
  // node10 has no self-reference: a project with node_modules/imcloud linked to this package
  const dir = mkdtempSync(join(tmpdir(), 'imcloud-node10-'))
  try {
    mkdirSync(join(dir, 'node_modules'))
    symlinkSync(root, join(dir, 'node_modules', 'imcloud'), 'junction')
    const file = join(dir, 'check.ts')
    writeFileSync(
      file,
      [
        "import { RongCloud, InvalidArgumentError } from 'imcloud'",
        "import { Emulator } from 'imcloud/testing'",
        'const emu: Emulator = new Emulator({ hosts: 1 })',
        'const rc: RongCloud = emu.rongcloud()',
        'const e: typeof InvalidArgumentError = InvalidArgumentError',
        'export { rc, e }',
        '',
      ].join('\n'),
    )
    const args = ['--noEmit', '--strict', '--target', 'es2022', '--module', 'commonjs', '--moduleResolution', 'node10', '--ignoreDeprecations', '5.0']
    const typeRoots = ['--typeRoots', join(root, 'node_modules', '@types'), '--types', 'node']
    const r = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), ...args, ...typeRoots, file], { cwd: dir, encoding: 'utf8', timeout: 300000 })
    assert.equal(r.status, 0, r.stdout + r.stderr)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
