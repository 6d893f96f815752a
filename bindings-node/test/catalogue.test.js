'use strict'
// Typed results beyond what the scenarios show: a secret field is readable but redacted by the core
// when inspected, and getters read the core's normalised values. Every operation's typed result is
// checked by the scenario runner (scenarios.test.js), which calls every catalogue operation.
const test = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const { inspect } = require('node:util')
const im = require('../lib/index')
const { Emulator } = require('../lib/testing')

test('a secret field is readable through its getter and redacted by the core in inspect', async () => {
  const emu = new Emulator()
  try {
    const rc = emu.rongcloud()
    const reg = await rc.userRegister({ userId: 'sec', name: 'S' })
    assert.equal(typeof reg.token, 'string')
    assert.ok(reg.token.length > 3)
    assert.equal(reg.data.token, reg.token, 'data keeps the value as sent')
    const shown = inspect(reg)
    assert.ok(!shown.includes(reg.token), shown)
    assert.match(shown, /token: '\*\*\*'/)
    assert.match(shown, /userId: 'sec'/)
    // the generic call knows the operation too: the core redacts by declaration, not the class
    const generic = await rc.call('user.register', { user_id: 'sec2', name: 'S' })
    assert.ok(!inspect(generic).includes(generic.data.token))

    const em = emu.easemob()
    const tok = await em.authAppToken()
    assert.equal(typeof tok.accessToken, 'string')
    assert.ok(!inspect(tok).includes(tok.accessToken))
    assert.match(inspect(tok), /access_token: '\*\*\*'/)
  } finally {
    emu.stop()
  }
})

/** A server answering every request with `body` (a RongCloud answer), for values the emulator never sends. */
async function answering(body) {
  const server = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return server
}

test('getters read the fields as the core normalised them by declared type', async () => {
  // chatroom.query's `ban` is declared bool: a server's 1 is `true`, not the raw 1; numbers sent as
  // text are numbers; the raw answer stays in `data`.
  const server = await answering({
    code: 200,
    chatroomId: 42,
    createTime: '1700000000000',
    memberCount: 3.0,
    destroyType: true,
    ban: 1,
  })
  try {
    const rc = new im.RongCloud({
      appKey: 'k',
      appSecret: 's',
      hosts: [`http://127.0.0.1:${server.address().port}`],
      allowInsecureHttp: true,
    })
    const q = await rc.chatroomQuery({ chatroomId: 'r1' })
    assert.ok(q instanceof im.RongCloudChatroomQueryResult)
    assert.equal(q.ban, true)
    assert.equal(q.chatroomId, '42')
    assert.equal(q.createTime, 1700000000000)
    assert.equal(q.memberCount, 3)
    assert.equal(q.destroyType, 1)
    assert.equal(q.destroyTime, undefined, 'absent: undefined')
    assert.equal(q.data.ban, 1, 'data is the answer as sent')
    assert.equal(q.get('createTime'), '1700000000000')
  } finally {
    server.close()
  }
})
