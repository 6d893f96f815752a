'use strict'
// Hostile input and failures inside the library: every one is a typed error, none crashes the
// process, and the library keeps working after it.
const test = require('node:test')
const assert = require('node:assert/strict')
const { getEventListeners } = require('node:events')
const im = require('../lib/index')
const { native, rethrow, settle } = require('../lib/base')
const { Emulator } = require('../lib/testing')

const SETTINGS = { appKey: 'k', appSecret: 's', region: 'singapore' }

/** `fn()` throws (or rejects with) exactly `cls`, naming `param`; returns the error. */
async function fails(cls, fn, param) {
  let err
  try {
    await fn()
  } catch (e) {
    err = e
  }
  assert.ok(err, `expected ${cls.name}`)
  assert.equal(err.constructor, cls, `${err.name}: ${err.message}`)
  assert.ok(err instanceof im.ImcloudError)
  if (param !== undefined) assert.equal(err.param, param, err.message)
  return err
}

test('a panic inside the core is a typed InternalError, and the process keeps working', async () => {
  process.env.RUST_BACKTRACE = '0' // the panic hook's report on stderr, without a backtrace
  assert.equal(im.InternalError.kind, 'internal')
  assert.ok(new im.InternalError('x') instanceof im.ImcloudError)
  // the Promise path every call takes
  let e = await fails(im.InternalError, () => settle(() => native._panicForTests('boom in a call')))
  assert.match(e.message, /boom in a call/)
  assert.equal(e.kind, 'internal')
  // the synchronous path every sync function takes
  e = await fails(im.InternalError, () => rethrow(() => native._panicForTestsSync('boom in a sync call')))
  assert.match(e.message, /boom in a sync call/)
  // many at once, then ordinary work in the same process
  const all = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => settle(() => native._panicForTests(`p${i}`))))
  assert.ok(all.every((r) => r.status === 'rejected' && r.reason instanceof im.InternalError))
  const emu = new Emulator()
  try {
    assert.equal((await emu.rongcloud().userCheckOnline({ userId: 'u' })).status, '0')
  } finally {
    emu.stop()
  }
})

test('out-of-range, infinite and NaN options are named errors (never an abort)', async () => {
  for (const [opts, param, pattern] of [
    [{ requestTimeout: 1e300 }, 'request_timeout', /at most 86400/],
    [{ requestTimeout: Infinity }, 'request_timeout', /Infinity/],
    [{ requestTimeout: -Infinity }, 'request_timeout', /Infinity/],
    [{ connectTimeout: NaN }, 'connect_timeout', /NaN/],
    [{ requestTimeout: 0 }, 'request_timeout', /more than 0/],
    [{ connectionMaxAge: 0 }, 'connection_max_age', /more than 0/],
    [{ connectionMaxAge: 1e20 }, 'connection_max_age', /at most/],
    [{ hostCooldown: -1 }, 'host_cooldown', /at least 0/],
    [{ hosts: ['https://a.example', Symbol('b')] }, 'hosts[1]', /symbol/],
  ]) {
    const e = await fails(im.InvalidArgumentError, () => new im.RongCloud({ ...SETTINGS, ...opts }), param)
    assert.match(e.message, pattern)
  }
  // the same through the emulator's clients, and for Easemob / Agora
  const emu = new Emulator()
  try {
    await fails(im.InvalidArgumentError, () => emu.rongcloud({ requestTimeout: Infinity }), 'request_timeout')
    await fails(im.InvalidArgumentError, () => emu.easemob({ transferTimeout: 1e300 }), 'transfer_timeout')
    await fails(im.InvalidArgumentError, () => emu.agora({ backoffMax: NaN }), 'backoff_max')
    const rc = emu.rongcloud({ connectionMaxAge: 30 })
    assert.equal((await rc.userCheckOnline({ userId: 'u' })).status, '0')
  } finally {
    emu.stop()
  }
})

test('constructors without settings, and non-objects, are typed errors', async () => {
  for (const cls of [im.RongCloud, im.Easemob, im.AgoraChat]) {
    await fails(im.InvalidArgumentError, () => new cls(), 'settings')
    await fails(im.InvalidArgumentError, () => new cls(null), 'settings')
    await fails(im.InvalidArgumentError, () => new cls('app-key'), 'settings')
  }
  const e = await fails(im.InvalidArgumentError, () => new im.AgoraChat({ appKey: 'o#a', appId: 'x', appCertificate: 'y', region: 'singapore1', tokenTtl: Infinity }), 'token_ttl')
  assert.match(e.message, /Infinity/)
})

test('verifyCallback: a bad window is a named error', async () => {
  const rc = new im.RongCloud(SETTINGS)
  const query = { nonce: 'n', timestamp: String(Date.now()), signature: 'x' }
  for (const window of [Infinity, -Infinity, NaN, 1e300, -1, 0]) {
    const e = await fails(im.InvalidArgumentError, () => rc.verifyCallback({ query, window }), 'window')
    assert.match(e.message, /at most 86400/)
  }
  for (const window of ['300', null, {}]) {
    const e = await fails(im.InvalidArgumentError, () => rc.verifyCallback({ query, window }), 'window')
    assert.match(e.message, /must be a number of seconds, got (a string|null|an object)/)
  }
  await fails(im.InvalidArgumentError, () => rc.verifyCallback({ query: { nonce: 1 } }), 'query')
  await fails(im.InvalidArgumentError, () => rc.verifyCallback({ query: { nonce: 'a\udc00' } }), 'query.nonce')
  await fails(im.InvalidArgumentError, () => rc.verifyCallback(null), 'callback')
  // a good window still checks the signature
  await fails(im.AuthenticationError, () => rc.verifyCallback({ query, window: 60 }))
})

test('chatUserToken: the ttl is never wrapped or truncated, and bad arguments are typed', async () => {
  const emu = new Emulator()
  try {
    const agora = emu.agora()
    assert.ok(agora.chatUserToken('uuid-1', 3600))
    for (const [ttl, pattern] of [
      [2 ** 32 + 3600, /is 4294970896/],
      [-1, /is -1; must not be negative/],
      [1.5, /is 1.5; must be a whole number/],
      [NaN, /is NaN/],
      [Infinity, /is inf/],
      [0, /is 0; must be 1..=86400/],
      [86401, /is 86401; must be 1..=86400/],
    ]) {
      const e = await fails(im.InvalidArgumentError, () => agora.chatUserToken('uuid-1', ttl), 'ttl')
      assert.match(e.message, pattern)
      assert.ok(!e.message.includes('4294967295') || ttl > 2 ** 32, e.message)
    }
    await fails(im.InvalidArgumentError, () => agora.chatUserToken('uuid-1', '3600'), 'ttl')
    let e = await fails(im.InvalidArgumentError, () => agora.chatUserToken(null), 'user_uuid')
    assert.match(e.message, /got null/)
    e = await fails(im.InvalidArgumentError, () => agora.chatUserToken(42), 'user_uuid')
    assert.match(e.message, /got 42/)
  } finally {
    emu.stop()
  }
})

test('values JSON cannot carry name the parameter and what was given (never "is required")', async () => {
  const emu = new Emulator()
  try {
    const em = emu.easemob()
    for (const [value, pattern] of [
      [NaN, /username: is NaN; must be a finite number/],
      [Infinity, /username: is Infinity/],
      [Symbol('s'), /username: is a symbol/],
      [() => 'u', /username: is a function/],
      [1n, /username: is a bigint/],
      ['a\ud800b', /username: contains a lone surrogate \(U\+D800\) at index 1/],
      ['\udfff', /lone surrogate \(U\+DFFF\) at index 0/],
    ]) {
      const e = await fails(im.InvalidArgumentError, () => em.userGet({ username: value }), 'username')
      assert.match(e.message, pattern)
      assert.doesNotMatch(e.message, /required|"ok"/)
      assert.equal(e.operation, 'user.get')
    }
    // nested values are named by their path; well-formed pairs pass
    let e = await fails(im.InvalidArgumentError, () => em.messageSendText({ targetType: 'users', to: ['b', NaN], msg: 'x' }), 'to[1]')
    assert.match(e.message, /NaN/)
    e = await fails(im.InvalidArgumentError, () => em.messageSendText({ targetType: 'users', to: ['b'], msg: 'x', ext: { a: { b: 'x\ud800' } } }), 'ext.a.b')
    await fails(im.InvalidArgumentError, () => em.messageSendText({ targetType: 'users', to: ['b', undefined], msg: 'x' }), 'to[1]')
    await em.userRegister({ username: 'smile', password: 'p', nickname: '\u{1F600}' })
    // the generic call, and uploads, check the same way
    e = await fails(im.InvalidArgumentError, () => em.call(5), 'operation')
    assert.match(e.message, /got 5/)
    await fails(im.InvalidArgumentError, () => em.call(null, {}), 'operation')
    await fails(im.InvalidArgumentError, () => em.call('user.get', [1]))
    await fails(im.InvalidArgumentError, () => em.call('user.get', { username: NaN }), 'username')
    await fails(im.InvalidArgumentError, () => em.attachmentUpload({ file: Buffer.from('x'), filename: 7 }), 'filename')
    await fails(im.InvalidArgumentError, () => em.attachmentUpload(null))
    await fails(im.InvalidArgumentError, () => em.attachmentDownload({ uuid: 'a\ud800' }), 'uuid')
    assert.equal(emu.requests(0).filter((r) => r.operation !== 'auth.app_token').length, 1, 'only the good call was sent')
    // the other synchronous helpers are typed too
    await fails(im.InvalidArgumentError, () => im.catalogue('mars'), 'cloud')
    await fails(im.InvalidArgumentError, () => im.catalogue(1), 'cloud')
    await fails(im.InvalidArgumentError, () => im.rongcloudSignature(null, 'n', 't'), 'app_secret')
    await fails(im.InvalidArgumentError, () => emu.setFault(9, 'refuse'), 'host')
  } finally {
    emu.stop()
  }
})

test('many calls can share one AbortSignal: no MaxListenersExceeded warning, no listener left', async () => {
  const warnings = []
  const onWarning = (w) => warnings.push(w)
  process.on('warning', onWarning)
  const emu = new Emulator()
  try {
    const rc = emu.rongcloud()
    const ac = new AbortController()
    const all = await Promise.all(Array.from({ length: 20 }, (_, i) => rc.userCheckOnline({ userId: `u${i}` }, { signal: ac.signal })))
    assert.equal(all.length, 20)
    assert.equal(getEventListeners(ac.signal, 'abort').length, 0, 'the listener goes with the last call')
    // aborting the shared signal cancels all of its calls
    emu.setFault(0, 'hang')
    emu.setFault(1, 'hang')
    emu.clearRequests()
    const hung = emu.rongcloud({ requestTimeout: 30 })
    const pending = Array.from({ length: 20 }, (_, i) => hung.userCheckOnline({ userId: `h${i}` }, { signal: ac.signal }))
    assert.equal(getEventListeners(ac.signal, 'abort').length, 1, 'one listener for all of them')
    for (let i = 0; i < 500 && emu.requestCount(0) < 20; i++) await new Promise((r) => setTimeout(r, 10))
    assert.equal(emu.requestCount(0), 20)
    ac.abort()
    const settled = await Promise.allSettled(pending)
    assert.ok(settled.every((r) => r.status === 'rejected' && r.reason.name === 'AbortError'))
    await new Promise((r) => setImmediate(r))
    assert.deepEqual(
      warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message),
      [],
    )
  } finally {
    process.off('warning', onWarning)
    emu.stop()
  }
})

test('an upload whose file cannot be read is an IoError', async () => {
  const fs = require('node:fs')
  const path = require('node:path')
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'im-up-'))
  const emu = new Emulator()
  try {
    const em = emu.easemob()
    for (const file of [dir, path.join(dir, 'missing')]) {
      const e = await fails(im.IoError, () => em.attachmentUpload({ file }))
      assert.equal(e.kind, 'io')
    }
    assert.equal(emu.requests(0).filter((r) => r.operation === 'attachment.upload').length, 0)
  } finally {
    emu.stop()
    fs.rmSync(dir, { recursive: true })
  }
})
