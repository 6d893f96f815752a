'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const { Emulator } = require('../lib/testing')

const PUBLISH = { fromUserId: 'a', toUserIds: ['b'], objectName: 'RC:TxtMsg', content: { content: 'x' } }

test('concurrent calls, and failover from a refused primary', async () => {
  const emu = new Emulator()
  try {
    const rc = emu.rongcloud()
    const all = await Promise.all(Array.from({ length: 30 }, (_, i) => rc.userCheckOnline({ userId: `u${i}` })))
    assert.ok(all.every((r) => r.status === '0'))
    emu.setFault(0, 'refuse')
    const r = await rc.messagePrivatePublish(PUBLISH)
    assert.equal(r.host, emu.hosts[1])
    assert.equal(emu.requestCount(0, 'message.private.publish'), 0)
    assert.equal(emu.requestCount(1, 'message.private.publish'), 1)
  } finally {
    emu.stop()
  }
})

test('a hang on a send is not re-sent', async () => {
  const emu = new Emulator()
  try {
    emu.setFault(0, 'hang')
    await assert.rejects(emu.rongcloud().messagePrivatePublish(PUBLISH), { name: 'TimeoutError' })
    assert.deepEqual([emu.requestCount(0), emu.requestCount(1)], [1, 0])
  } finally {
    emu.stop()
  }
})

test('aborting the signal cancels the request', async () => {
  const emu = new Emulator()
  try {
    emu.setFault(0, 'hang')
    emu.setFault(1, 'hang')
    const rc = emu.rongcloud({ requestTimeout: 30 })
    const ac = new AbortController()
    const p = rc.userCheckOnline({ userId: 'u' }, { signal: ac.signal })
    while (emu.requestCount(0) === 0) await new Promise((r) => setTimeout(r, 10))
    ac.abort()
    await assert.rejects(p, { name: 'AbortError' })
    await new Promise((r) => setTimeout(r, 300))
    assert.equal(emu.requestCount(1), 0, 'the aborted call never moved on to the backup')
    const pre = new AbortController()
    pre.abort(new Error('stop'))
    await assert.rejects(rc.userCheckOnline({ userId: 'u' }, { signal: pre.signal }), /stop/)
  } finally {
    emu.stop()
  }
})

test('the process exits with calls in flight', () => {
  const { spawnSync } = require('node:child_process')
  const script = `
    const { Emulator } = require(${JSON.stringify(require.resolve('../lib/testing'))})
    const emu = new Emulator()
    emu.setFault(0, 'hang'); emu.setFault(1, 'hang')
    const rc = emu.rongcloud({ requestTimeout: 60 })
    rc.userCheckOnline({ userId: 'u' }).catch(() => {})
    setTimeout(() => { console.log('exiting'); process.exit(0) }, 200)
  `
  const p = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30000 })
  assert.equal(p.status, 0, p.stderr)
  assert.match(p.stdout, /exiting/)
})
