'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const im = require('../lib/index')
const { errorKinds } = require('../native.js')
const { Emulator } = require('../lib/testing')

const PUBLISH = { fromUserId: 'a', toUserIds: ['b'], objectName: 'RC:TxtMsg', content: { content: 'x' } }

async function rejects(cls, promise) {
  try {
    await promise
  } catch (e) {
    assert.equal(e.constructor, cls, `${e.name}: ${e.message}`)
    assert.ok(e instanceof im.ImcloudError && e instanceof Error)
    assert.equal(e.kind, cls.kind)
    assert.equal(e.name, cls.name)
    return e
  }
  assert.fail(`expected ${cls.name}`)
}

test('every core kind has a class', () => {
  assert.deepEqual(new Set(Object.keys(im.ERROR_CLASSES)), new Set(errorKinds()))
})

test('class names follow the core rule: the kind in UpperCamelCase plus Error', () => {
  for (const kind of errorKinds()) {
    const stem = kind
      .split('_')
      .map((w) => w[0].toUpperCase() + w.slice(1))
      .join('')
    assert.equal(im.ERROR_CLASSES[kind].name, `${stem}Error`, kind)
  }
  assert.equal(im.FileError, im.IoError)
})

test('apiCode is the cloud code, detail the short text, message the full one', async () => {
  const emu = new Emulator()
  try {
    // RongCloud answers an unknown App-Key with code 1002 and "Invalidate App-Key."
    const bad = im.RongCloud._fromConfig({ ...emu.clientConfig('rongcloud'), app_key: 'no-such-app' })
    const e = await rejects(im.InvalidArgumentError, bad.userCheckOnline({ userId: 'u' }))
    assert.deepEqual([e.apiCode, e.httpStatus, e.detail], ['1002', 401, 'Invalidate App-Key.'])
    assert.ok(e.message.startsWith('Invalidate App-Key. ('), e.message)
    for (const part of ['operation=user.check_online', 'http_status=401', 'api_code=1002', `host=${emu.hosts[0]}`]) {
      assert.ok(e.message.includes(part) && !e.detail.includes(part), part)
    }
    assert.equal(e.code, undefined)
  } finally {
    emu.stop()
  }
})

test('bad input is refused before sending', async () => {
  const emu = new Emulator()
  try {
    const em = emu.easemob()
    let e = await rejects(im.InvalidArgumentError, em.groupAnnouncementSet({ groupId: '1', announcement: 'x'.repeat(513) }))
    assert.equal(e.param, 'announcement')
    assert.match(e.message, /512/)
    e = await rejects(im.InvalidArgumentError, em.groupShareFiles({ groupId: '1', pagesize: 1001 }))
    assert.equal(e.param, 'pagesize')
    await rejects(im.InvalidArgumentError, em.userStatusBatch({ usernames: Array.from({ length: 101 }, (_, i) => `u${i}`) }))
    e = await rejects(im.InvalidArgumentError, em.groupShareFileUpload({ groupId: '1', file: Buffer.alloc(10 * 1024 * 1024 + 1) }))
    assert.match(e.message, /10 MB/)
    e = await rejects(im.InvalidArgumentError, em.messageSendText({ targetType: 'users', to: ['b'], msg: 'x', ext: { n: 1n } }))
    assert.match(e.message, /JSON/)
    await rejects(im.InvalidArgumentError, em.call('group.announcement_set', { group_id: '1' }))
    assert.equal(emu.requestCount(0) + emu.requestCount(1), 0)
  } finally {
    emu.stop()
  }
})

test('settings errors name the setting', () => {
  assert.throws(() => new im.RongCloud({ appKey: 'k', appSecret: 's', hosts: ['http://127.0.0.1:1'] }), (e) => e instanceof im.ConfigError && /allowInsecureHttp|allow_insecure_http/.test(e.message))
  assert.throws(() => new im.RongCloud({ appKey: 'k', appSecret: 's', region: 'mars' }), (e) => e instanceof im.InvalidArgumentError && /singapore/.test(e.message))
  assert.throws(() => new im.RongCloud({ appKey: 'k', appSecret: 's', region: 'singapore', timeout: 3 }), (e) => e.param === 'timeout')
})

test('server answers become typed errors', async () => {
  const emu = new Emulator()
  try {
    const em = emu.easemob()
    const bad = im.RongCloud._fromConfig({ ...emu.clientConfig('rongcloud'), app_secret: 'wrong-secret-123' })
    const e = await rejects(im.AuthenticationError, bad.userCheckOnline({ userId: 'u' }))
    assert.deepEqual([e.httpStatus, e.apiCode, e.retryable], [401, '1004', false])
    assert.ok(e.requestId && e.host === emu.hosts[0])
    for (const text of [e.message, String(e), require('node:util').inspect(e), String(bad)]) assert.ok(!text.includes('wrong-secret-123'))
    assert.equal((await rejects(im.NotFoundError, em.userGet({ username: 'nobody' }))).apiCode, 'service_resource_not_found')
    await em.userRegister({ username: 'dup', password: 'p' })
    await rejects(im.ConflictError, em.userRegister({ username: 'dup', password: 'p' }))
    const att = await em.attachmentUpload({ file: Buffer.from('x'), restrictAccess: true })
    await rejects(im.PermissionDeniedError, em.attachmentDownload({ uuid: att.uuid }))
    emu.setFault(0, 'status', { status: 418, pathContains: '/users/', times: 1 })
    assert.equal((await rejects(im.ApiError, em.userGet({ username: 'dup' }))).httpStatus, 418)
    emu.setFault(0, 'quota_exceeded', { times: 1 })
    await rejects(im.QuotaExceededError, em.userGet({ username: 'dup' }))
    const dir = require('node:fs').mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'im-'))
    await rejects(im.IoError, em.attachmentDownload({ uuid: att.uuid, shareSecret: att.shareSecret, dest: `${dir}/no/such/f` }))
  } finally {
    emu.stop()
  }
})

test('transport errors', async () => {
  const emu = new Emulator()
  try {
    emu.setFault(0, 'rate_limit', { retryAfter: 3600 })
    const e = await rejects(im.RateLimitedError, emu.rongcloud().userCheckOnline({ userId: 'u' }))
    assert.equal(e.retryAfter, 3600)
    for (const [kind, cls] of [['status', im.ServerError], ['hang', im.TimeoutError], ['reset', im.NetworkError], ['garbage', im.DecodeError]]) {
      emu.clearFaults()
      emu.setFault(0, kind)
      const err = await rejects(cls, emu.rongcloud().messagePrivatePublish(PUBLISH))
      assert.equal(err.retryable, false, kind)
      assert.match(err.message, /not idempotent/)
    }
    emu.clearFaults()
    emu.setFault(0, 'refuse')
    emu.setFault(1, 'refuse')
    assert.equal((await rejects(im.ConnectError, emu.rongcloud().userCheckOnline({ userId: 'u' }))).retryable, true)
  } finally {
    emu.stop()
  }
})
