'use strict'
// Every operation the catalogue declares, enumerated from the catalogue at test time: each is
// called through its typed method against the emulator, and each declared result field must have
// its declared type. A new operation without a fixture here fails the test by name.
const test = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const { inspect } = require('node:util')
const im = require('../lib/index')
const { Emulator } = require('../lib/testing')

const camel = (s) => s.replace(/[._]([a-z0-9])/g, (_, c) => c.toUpperCase())
const pascal = (s) => camel(s).replace(/^./, (c) => c.toUpperCase())
const CLIENT = { rongcloud: 'RongCloud', easemob: 'Easemob' }

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v)
/** What a value of each declared type looks like in JS (other types: any value). */
const IS = {
  string: (v) => typeof v === 'string',
  int: (v) => Number.isInteger(v),
  bool: (v) => typeof v === 'boolean',
  string_list: (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'),
  object_list: (v) => Array.isArray(v) && v.every(isObject),
}

/** Each declared field of `op`, read through its getter on `obj`, has the declared type. */
function checkFields(op, obj, where) {
  for (const f of op.response.fields ?? []) {
    const key = camel(f.name)
    const v = obj[key]
    const ok = IS[f.type] ?? ((x) => x !== undefined)
    assert.ok(ok(v), `${where}.${key}: declared ${f.type}, got ${inspect(v)}`)
  }
}

/** The typed result class of `op` (generated from the catalogue). */
function resultClass(cloud, op) {
  if (op.response.shape === 'bytes') return im.DownloadResult
  return im[`${CLIENT[cloud]}${pascal(op.name)}Result`]
}

let n = 0
const fresh = (prefix) => `${prefix}${++n}`

// The parameters of each operation, built by a function that first sets up what the operation
// needs (through the typed methods too), so each operation stands alone and order does not matter.
const RONGCLOUD = {
  'user.register': () => ({ userId: fresh('u'), name: 'Ann' }),
  'user.refresh': () => ({ userId: 'u1', name: 'Ann B', portraitUri: 'http://x/a.png' }),
  'user.check_online': () => ({ userId: 'u1' }),
  'user.block.add': () => ({ userIds: ['u3'], minute: 5 }),
  'user.block.remove': () => ({ userIds: ['u3'] }),
  'user.block.list': async (rc) => {
    await rc.userBlockAdd({ userIds: ['u2'], minute: 5 })
    return {}
  },
  'message.private.publish': () => ({ fromUserId: 'u1', toUserIds: ['u2'], objectName: 'RC:TxtMsg', content: { content: 'hi' } }),
  'message.group.publish': async (rc) => {
    const groupId = fresh('g')
    await rc.groupCreate({ userIds: ['u1', 'u2'], groupId, groupName: 'G' })
    return { fromUserId: 'u1', toGroupIds: [groupId], objectName: 'RC:TxtMsg', content: '{"content":"x"}' }
  },
  'message.system.publish': () => ({ fromUserId: 's', toUserIds: ['u1'], objectName: 'RC:TxtMsg', content: { content: 'n' } }),
  'message.recall': async (rc) => {
    const pub = await rc.messagePrivatePublish({ fromUserId: 'u1', toUserIds: ['u2'], objectName: 'RC:TxtMsg', content: { content: 'oops' } })
    return { fromUserId: 'u1', conversationType: 1, targetId: 'u2', messageUid: pub.messageUids[0].messageUID, sentTime: 1 }
  },
  'group.create': () => ({ userIds: ['u1', 'u2'], groupId: fresh('g'), groupName: 'G' }),
  'group.join': async (rc) => {
    const groupId = fresh('g')
    await rc.groupCreate({ userIds: ['u1'], groupId, groupName: 'G' })
    return { userIds: ['u3'], groupId }
  },
  'group.quit': async (rc) => {
    const groupId = fresh('g')
    await rc.groupCreate({ userIds: ['u1', 'u2'], groupId, groupName: 'G' })
    return { userIds: ['u2'], groupId }
  },
  'group.dismiss': async (rc) => {
    const groupId = fresh('g')
    await rc.groupCreate({ userIds: ['u1'], groupId, groupName: 'G' })
    return { userId: 'u1', groupId }
  },
  'group.refresh': async (rc) => {
    const groupId = fresh('g')
    await rc.groupCreate({ userIds: ['u1'], groupId, groupName: 'G' })
    return { groupId, groupName: 'G2' }
  },
  'group.members': async (rc) => {
    const groupId = fresh('g')
    await rc.groupCreate({ userIds: ['u1', 'u3'], groupId, groupName: 'G' })
    return { groupId }
  },
  'chatroom.create': () => ({ chatroomId: fresh('r') }),
  'chatroom.destroy': async (rc) => {
    const chatroomId = fresh('r')
    await rc.chatroomCreate({ chatroomId })
    return { chatroomIds: [chatroomId] }
  },
  'chatroom.query': async (rc) => {
    const chatroomId = fresh('r')
    await rc.chatroomCreate({ chatroomId, isBan: true })
    return { chatroomId }
  },
  'user.tag.set': () => ({ userId: 'u1', tags: ['vip'] }),
  push: () => ({ platform: ['ios'], audience: { is_to_all: true }, notification: { alert: 'hi' } }),
}

const EASEMOB = {
  'auth.app_token': () => ({ ttl: 600 }),
  'user.register': () => ({ username: fresh('user'), password: 'pw', nickname: 'N' }),
  'user.register_batch': () => ({ users: [{ username: fresh('user'), password: 'p' }, { username: fresh('user'), password: 'p' }] }),
  'user.get': () => ({ username: 'alice' }),
  'user.delete': async (em) => {
    const username = fresh('user')
    await em.userRegister({ username, password: 'pw' })
    return { username }
  },
  'user.status': () => ({ username: 'alice' }),
  'user.status_batch': () => ({ usernames: ['alice', 'bob'] }),
  'message.send_text': () => ({ targetType: 'users', from: 'alice', to: ['bob'], msg: 'hi', ext: { k: 1 } }),
  'message.send_image': () => ({ targetType: 'users', to: ['bob'], url: 'https://x/chatfiles/1', filename: 'p.jpg', width: 1, height: 1 }),
  'message.send_audio': () => ({ targetType: 'users', to: ['bob'], url: 'https://x/chatfiles/2', filename: 'a.amr', length: 2 }),
  'message.send_video': () => ({ targetType: 'users', to: ['bob'], url: 'https://x/chatfiles/3', filename: 'v.mp4', length: 3 }),
  'message.send_file': () => ({ targetType: 'users', to: ['bob'], url: 'https://x/chatfiles/4', filename: 'f.pdf' }),
  'message.send_cmd': () => ({ targetType: 'chatrooms', to: ['room'], action: 'refresh' }),
  'message.send_custom': () => ({ targetType: 'users', to: ['bob'], customEvent: 'gift', customExts: { n: '1' } }),
  'attachment.upload': () => ({ file: Buffer.from([0xff, 0xd8, 1, 2]), filename: 'p.jpg', restrictAccess: true }),
  'attachment.download': async (em) => {
    const att = await em.attachmentUpload({ file: Buffer.from('bytes'), filename: 'b.bin', restrictAccess: true })
    return { uuid: att.uuid, shareSecret: att.shareSecret }
  },
  'group.create': () => ({ groupname: 'team', description: 'd', public: true, owner: 'alice', members: ['bob'] }),
  'group.get': async (em) => ({ groupIds: [await group(em)] }),
  'group.delete': async (em) => ({ groupId: await group(em) }),
  'group.members': async (em) => ({ groupId: await group(em), pagenum: 1, pagesize: 10 }),
  'group.members_add': async (em) => ({ groupId: await group(em), usernames: ['carol'] }),
  'group.members_remove': async (em) => ({ groupId: await group(em), usernames: ['bob'] }),
  'group.announcement_get': async (em) => {
    const groupId = await group(em)
    await em.groupAnnouncementSet({ groupId, announcement: 'news' })
    return { groupId }
  },
  'group.announcement_set': async (em) => ({ groupId: await group(em), announcement: '公告 & news' }),
  'group.share_files': async (em) => {
    const groupId = await group(em)
    await em.groupShareFileUpload({ groupId, file: Buffer.from('plan'), filename: 'plan.txt' })
    return { groupId, pagesize: 10 }
  },
  'group.share_file_upload': async (em) => ({ groupId: await group(em), file: Buffer.alloc(1000, 'x'), filename: 'plan.txt' }),
  'group.share_file_download': async (em) => {
    const groupId = await group(em)
    const up = await em.groupShareFileUpload({ groupId, file: Buffer.from('plan'), filename: 'plan.txt' })
    return { groupId, fileId: up.fileId }
  },
  'group.share_file_delete': async (em) => {
    const groupId = await group(em)
    const up = await em.groupShareFileUpload({ groupId, file: Buffer.from('plan'), filename: 'plan.txt' })
    return { groupId, fileId: up.fileId }
  },
}

async function group(em) {
  return (await em.groupCreate({ groupname: 'team', description: 'd', public: true, owner: 'alice', members: ['bob'] })).groupid
}

async function setup(cloud, client) {
  if (cloud === 'rongcloud') {
    for (const userId of ['u1', 'u2', 'u3']) await client.userRegister({ userId, name: userId })
  } else {
    await client.userRegister({ username: 'alice', password: 'pw', nickname: 'Alice' })
    await client.userRegisterBatch({ users: ['bob', 'carol'].map((username) => ({ username, password: 'p' })) })
  }
}

for (const [cloud, fixtures] of [
  ['rongcloud', RONGCLOUD],
  ['easemob', EASEMOB],
]) {
  test(`${cloud}: every catalogue operation, typed, returns its declared field types`, async () => {
    const ops = im.catalogue(cloud).operations
    const declared = new Set(ops.map((o) => o.name))
    assert.deepEqual(
      ops.filter((o) => !fixtures[o.name]).map((o) => o.name),
      [],
      'operations without a fixture in this test',
    )
    assert.deepEqual(
      Object.keys(fixtures).filter((k) => !declared.has(k)),
      [],
      'fixtures of operations the catalogue does not declare',
    )
    const emu = new Emulator()
    try {
      const client = cloud === 'rongcloud' ? emu.rongcloud() : emu.easemob()
      await setup(cloud, client)
      for (const op of ops) {
        const method = camel(op.name)
        assert.equal(typeof client[method], 'function', `${op.name}: no method ${method}`)
        const params = await fixtures[op.name](client)
        emu.clearRequests()
        const res = await client[method](params)
        const seen = emu.hosts.flatMap((_, h) => emu.requests(h).map((r) => r.operation))
        assert.deepEqual(seen, [op.name], `${method} sends ${op.name}`)
        const cls = resultClass(cloud, op)
        assert.ok(cls, `${op.name}: no result class`)
        assert.ok(res instanceof cls, `${op.name}: a ${cls.name}, got ${res?.constructor?.name}`)
        if (op.response.shape === 'bytes') {
          assert.ok(res.bytes > 0 && res.data.length === res.bytes, `${op.name}: the file's bytes`)
        } else if (op.response.shape === 'array' && op.response.fields?.length) {
          assert.ok(res.length > 0, `${op.name}: at least one item, to check the fields of`)
          for (const [i, item] of res.items.entries()) checkFields(op, item, `${method}().items[${i}]`)
        } else {
          checkFields(op, res, `${method}()`)
        }
      }
    } finally {
      emu.stop()
    }
  })
}

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
