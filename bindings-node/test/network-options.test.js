'use strict'
// The proxy and caBundle options reach the core by their names (the core's Rust tests run calls
// through a real proxy and a private CA): a bad one is refused when the client is made, naming
// it, and a proxy password never shows.
const test = require('node:test')
const assert = require('node:assert/strict')
const { inspect } = require('node:util')
const { RongCloud, InvalidArgumentError, ConnectError } = require('..')
const { Emulator } = require('../lib/testing')

const PASSWORD = 'pr0xy-s3cret'

test('a bad proxy or caBundle is refused when the client is made, naming it', async () => {
  const emu = new Emulator()
  try {
    for (const [options, param] of [
      [{ proxy: `ftp://alice:${PASSWORD}@proxy.example` }, 'proxy'],
      [{ proxy: 'not a url' }, 'proxy'],
      [{ caBundle: '/nonexistent/ca.pem' }, 'ca_bundle'],
    ]) {
      assert.throws(
        () => emu.rongcloud(options),
        (e) => {
          assert.ok(e instanceof InvalidArgumentError, String(e))
          assert.equal(e.param, param)
          assert.ok(!String(e).includes(PASSWORD) && !inspect(e).includes(PASSWORD))
          return true
        },
      )
    }
    assert.throws(
      () => new RongCloud({ appKey: 'k', appSecret: 's', hosts: emu.hosts, allowInsecureHttp: true, caBundle: '/nonexistent/ca.pem' }),
      (e) => e instanceof InvalidArgumentError && e.param === 'ca_bundle',
    )
    assert.equal(emu.requests(0).length + emu.requests(1).length, 0)
  } finally {
    emu.stop()
  }
})

test('a proxy password never shows; an empty proxy is a direct connection', async () => {
  const emu = new Emulator()
  try {
    await emu.rongcloud({ proxy: '' }).userRegister({ userId: 'u1', name: 'Ann' })
    assert.equal(emu.requests(0).length, 1)
    const dead = emu.rongcloud({ proxy: `http://alice:${PASSWORD}@127.0.0.1:9`, maxAttempts: 1 })
    assert.ok(!inspect(dead).includes(PASSWORD) && !String(dead).includes(PASSWORD))
    await assert.rejects(dead.userInfo({ userId: 'u1' }), (e) => {
      assert.ok(e instanceof ConnectError, String(e))
      assert.ok(!String(e).includes(PASSWORD) && !inspect(e).includes(PASSWORD))
      return true
    })
  } finally {
    emu.stop()
  }
})
