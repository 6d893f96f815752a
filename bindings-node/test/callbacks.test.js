'use strict'
// Server callbacks: every declared kind is parsed from its declared example into its generated
// event class, each declared field read through its typed getter; Easemob's security verifies.
const test = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const im = require('../lib/index')
const { Emulator } = require('../lib/testing')

const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase())
const TYPES = {
  string: (v) => typeof v === 'string',
  int: (v) => Number.isInteger(v),
  bool: (v) => typeof v === 'boolean',
  string_list: (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'),
  object_list: (v) => Array.isArray(v) && v.every((x) => x !== null && typeof x === 'object'),
}

/** The declared example as it arrives on the wire. */
function wire(kind) {
  if (kind.arrives === 'form') return [new URLSearchParams(kind.example).toString(), 'application/x-www-form-urlencoded']
  return [JSON.stringify(kind.example), 'application/json']
}

test('every declared callback kind parses into its typed event', () => {
  const emu = new Emulator()
  try {
    let count = 0
    for (const [cloud, client, classes] of [
      ['rongcloud', emu.rongcloud(), im.RongCloudEvents],
      ['easemob', emu.easemob(), im.EasemobEvents],
    ]) {
      const kinds = im.catalogue(cloud).callbacks
      assert.deepEqual(Object.keys(classes).sort(), kinds.map((k) => k.name).sort())
      for (const kind of kinds) {
        const [body, contentType] = wire(kind)
        for (const [b, ct] of [[body, contentType], [Buffer.from(body), undefined]]) {
          const events = client.parseCallback(b, ct)
          const items = kind.arrives === 'json_array' ? kind.example : [kind.example]
          assert.equal(events.length, items.length, kind.name)
          events.forEach((event, i) => {
            assert.ok(event instanceof classes[kind.name], kind.name)
            assert.equal(event.kind, kind.name)
            assert.deepEqual(event.raw, items[i])
            for (const f of kind.fields) {
              const value = event[camel(f.name)]
              assert.notEqual(value, undefined, `${kind.name}.${f.name}`)
              const check = TYPES[f.type]
              if (check) assert.ok(check(value), `${kind.name}.${f.name}: ${JSON.stringify(value)} is not ${f.type}`)
            }
          })
        }
        count++
      }
    }
    assert.ok(count >= 6)
    assert.throws(() => emu.easemob().parseCallback('{"eventType": "group_op"}'), im.InvalidArgumentError)
    assert.throws(() => emu.rongcloud().parseCallback(42), im.InvalidArgumentError)
  } finally {
    emu.stop()
  }
})

test('Easemob callback security verifies and tampering is refused', () => {
  const emu = new Emulator()
  try {
    const now = Date.now()
    const md5 = (s) => crypto.createHash('md5').update(s).digest('hex')
    const callId = 'org#app_0990a64f'
    const body = { callId, eventType: 'chat', timestamp: now, from: 'u1', to: 'u2', msg_id: '1', payload: {}, security: md5(`${callId}rule-secret${now}`) }
    for (const client of [emu.easemob(), emu.agora()]) {
      client.verifyCallback(JSON.stringify(body), 'rule-secret')
      client.verifyCallback(Buffer.from(JSON.stringify(body)), 'rule-secret', 60)
      assert.throws(() => client.verifyCallback(JSON.stringify(body), 'other-secret'), im.AuthenticationError)
      assert.throws(() => client.verifyCallback(JSON.stringify({ ...body, callId: `${callId}x` }), 'rule-secret'), im.AuthenticationError)
      const old = now - 3_600_000
      const stale = { ...body, timestamp: old, security: md5(`${callId}rule-secret${old}`) }
      assert.throws(() => client.verifyCallback(JSON.stringify(stale), 'rule-secret', 300), im.AuthenticationError)
      const [event] = client.parseCallback(JSON.stringify(body))
      assert.equal(event.kind, 'post_send')
      assert.equal(event.from, 'u1')
    }
  } finally {
    emu.stop()
  }
})
