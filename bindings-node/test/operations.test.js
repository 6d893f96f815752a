'use strict'
// The typed surface, and journeys through both APIs against the emulator (what the operations do to
// its state). Every operation is called, and its typed result checked, by the scenario runner
// (scenarios.test.js); a journey need not call a new operation.
const test = require('node:test')
const assert = require('node:assert/strict')
const im = require('../lib/index')
const { Emulator } = require('../lib/testing')

const methodName = (op) => op.replace(/[._]([a-z0-9])/g, (_, c) => c.toUpperCase())

test('every catalogue operation is a method', () => {
  for (const [cloud, cls] of [['rongcloud', im.RongCloud], ['easemob', im.Easemob]]) {
    for (const op of im.catalogue(cloud).operations) {
      assert.equal(typeof cls.prototype[methodName(op.name)], 'function', op.name)
    }
  }
})

test('client options are the core\'s', () => {
  const { optionKeys } = require('../native.js')
  const dts = require('node:fs').readFileSync(require.resolve('../lib/generated.d.ts'), 'utf8')
  const start = dts.indexOf('export interface ClientOptions')
  const block = dts.slice(start, dts.indexOf('\n}\n', start))
  const declared = [...block.matchAll(/^\s+(\w+)\?:/gm)].map((m) => m[1])
  const snake = (k) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
  assert.deepEqual(new Set(declared.map(snake)), new Set(optionKeys()))
  const rc = new im.RongCloud({ appKey: 'k', appSecret: 's', region: 'singapore', requestTimeout: 2.5 })
  assert.deepEqual(rc.hosts, ['https://api.sg-light-api.com', 'https://api-b.sg-light-api.com'])
})

test('rongcloud: a journey', async () => {
  const emu = new Emulator()
  try {
    const rc = emu.rongcloud()
    const reg = await rc.userRegister({ userId: 'u1', name: 'Ann', portraitUri: 'http://x/a.png' })
    assert.equal(reg.userId, 'u1')
    assert.ok(reg.token)
    assert.ok(!require('node:util').inspect(reg).includes(reg.token), 'token redacted')
    await rc.userRegister({ userId: 'u2', name: 'Bob' })
    await rc.userRefresh({ userId: 'u1', name: 'Ann B' })
    assert.equal((await rc.userCheckOnline({ userId: 'u1' })).status, '0')
    emu.setOnline('u1')
    assert.equal((await rc.userCheckOnline({ userId: 'u1' })).status, '1')
    await rc.userBlockAdd({ userIds: ['u2'], minute: 5 })
    assert.equal((await rc.userBlockList()).users[0].userId, 'u2')
    await rc.userBlockRemove({ userIds: ['u2'] })
    const pub = await rc.messagePrivatePublish({ fromUserId: 'u1', toUserIds: ['u2'], objectName: 'RC:TxtMsg', content: { content: 'hi' } })
    const uid = pub.messageUids[0].messageUID
    await rc.groupCreate({ userIds: ['u1', 'u2'], groupId: 'g1', groupName: 'G' })
    await rc.groupJoin({ userIds: ['u3'], groupId: 'g1' })
    await rc.groupQuit({ userIds: ['u2'], groupId: 'g1' })
    await rc.groupRefresh({ groupId: 'g1', groupName: 'G2' })
    assert.deepEqual((await rc.groupMembers({ groupId: 'g1' })).users, [{ id: 'u1' }, { id: 'u3' }])
    await rc.messageGroupPublish({ fromUserId: 'u1', toGroupIds: ['g1'], objectName: 'RC:TxtMsg', content: '{"content":"x"}' })
    await rc.messageSystemPublish({ fromUserId: 's', toUserIds: ['u1'], objectName: 'RC:TxtMsg', content: { content: 'n' } })
    await rc.messageRecall({ fromUserId: 'u1', conversationType: 1, targetId: 'u2', messageUid: uid, sentTime: 1 })
    await rc.groupDismiss({ userId: 'u1', groupId: 'g1' })
    await rc.chatroomCreate({ chatroomId: 'r1' })
    assert.equal((await rc.chatroomQuery({ chatroomId: 'r1' })).chatroomId, 'r1')
    await rc.chatroomDestroy({ chatroomIds: ['r1'] })
    await rc.userTagSet({ userId: 'u1', tags: ['vip'] })
    assert.ok((await rc.push({ platform: ['ios'], audience: { is_to_all: true }, notification: { alert: 'hi' } })).id)
    assert.deepEqual(emu.sentMessages().map((m) => m.target_type), ['private', 'group', 'system'])
  } finally {
    emu.stop()
  }
})

test('easemob: a journey', async () => {
  const emu = new Emulator()
  const os = require('node:os')
  const fs = require('node:fs')
  const path = require('node:path')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imcloud-node-'))
  try {
    const em = emu.easemob()
    await em.authAppToken({ ttl: 600 })
    const alice = await em.userRegister({ username: 'alice', password: 'pw', nickname: 'Alice' })
    assert.equal(alice.at(0).username, 'alice')
    await em.userRegisterBatch({ users: [{ username: 'bob', password: 'p' }, { username: 'carol', password: 'p' }] })
    const got = await em.userGet({ username: 'alice' })
    assert.equal(got.at(0).uuid, alice.at(0).uuid)
    assert.equal([...got][0].nickname, 'Alice')
    emu.setOnline('alice')
    assert.deepEqual((await em.userStatus({ username: 'alice' })).data, { alice: 'online' })
    assert.deepEqual((await em.userStatusBatch({ usernames: ['alice', 'bob'] })).data, [{ alice: 'online' }, { bob: 'offline' }])
    const gid = (await em.groupCreate({ groupname: 'team', public: true, owner: 'alice', members: ['bob'] })).groupid
    assert.equal((await em.groupGet({ groupIds: [gid] })).at(0).affiliationsCount, 2)
    assert.deepEqual((await em.groupMembersAdd({ groupId: gid, usernames: ['carol'] })).newmembers, ['carol'])
    assert.deepEqual((await em.groupMembers({ groupId: gid, pagenum: 1, pagesize: 10 })).data[0], { owner: 'alice' })
    assert.equal((await em.groupMembersRemove({ groupId: gid, usernames: ['carol'] })).data[0].result, true)
    await em.groupAnnouncementSet({ groupId: gid, announcement: '公告 & news' })
    assert.equal((await em.groupAnnouncementGet({ groupId: gid })).announcement, '公告 & news')
    const p = path.join(dir, 'plan.txt')
    fs.writeFileSync(p, Buffer.alloc(100000, 'x'))
    const up = await em.groupShareFileUpload({ groupId: gid, file: p })
    assert.equal(up.fileName, 'plan.txt')
    assert.equal(up.fileSize, 100000)
    assert.equal((await em.groupShareFiles({ groupId: gid, pagesize: 10 })).at(0).fileId, up.fileId)
    const out = path.join(dir, 'copy.txt')
    const d = await em.groupShareFileDownload({ groupId: gid, fileId: up.fileId, dest: out })
    assert.equal(d.bytes, 100000)
    assert.ok(fs.readFileSync(out).equals(fs.readFileSync(p)))
    assert.equal((await em.groupShareFileDelete({ groupId: gid, fileId: up.fileId })).result, true)
    const att = await em.attachmentUpload({ file: Buffer.from([0xff, 0xd8, 1, 2]), filename: 'p.jpg', restrictAccess: true })
    const dl = await em.attachmentDownload({ uuid: att.uuid, shareSecret: att.shareSecret })
    assert.deepEqual([...dl.data], [0xff, 0xd8, 1, 2])
    const url = `https://x/chatfiles/${att.uuid}`
    await em.messageSendText({ targetType: 'users', from: 'alice', to: ['bob'], msg: 'hi', ext: { k: 1 } })
    await em.messageSendImage({ targetType: 'users', to: ['bob'], url, filename: 'p.jpg', secret: att.shareSecret, width: 1, height: 1 })
    await em.messageSendAudio({ targetType: 'users', to: ['bob'], url, filename: 'a.amr', length: 2 })
    await em.messageSendVideo({ targetType: 'users', to: ['bob'], url, filename: 'v.mp4', length: 3 })
    await em.messageSendFile({ targetType: 'chatgroups', to: [gid], url, filename: 'f.pdf' })
    await em.messageSendCmd({ targetType: 'chatrooms', to: ['room'], action: 'refresh' })
    await em.messageSendCustom({ targetType: 'users', to: ['bob'], customEvent: 'gift', customExts: { n: '1' } })
    assert.deepEqual(emu.sentMessages().map((m) => m.kind), ['txt', 'img', 'audio', 'video', 'file', 'cmd', 'custom'])
    await em.groupDelete({ groupId: gid })
    await em.userDelete({ username: 'carol' })
  } finally {
    emu.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('agora chat builds tokens locally', async () => {
  const emu = new Emulator()
  try {
    const ag = emu.agora()
    await ag.userRegister({ username: 'dave', password: 'pw' })
    assert.equal(emu.requestCount(0, 'auth.app_token'), 0)
    assert.ok((await ag.appToken()).startsWith('007'))
    assert.ok(ag.chatUserToken('uuid-1', 600).startsWith('007'))
    assert.ok(ag instanceof im.AgoraChat && ag instanceof im.Easemob)
  } finally {
    emu.stop()
  }
})

test('callbacks verify with the app secret', () => {
  const emu = new Emulator()
  try {
    const rc = emu.rongcloud()
    const ts = String(Date.now())
    const sig = im.rongcloudSignature('emulator-app-secret', '7', ts)
    rc.verifyCallback({ query: { nonce: '7', signTimestamp: ts, signature: sig } })
    assert.throws(() => rc.verifyCallback({ headers: { Nonce: '8', Timestamp: ts, Signature: sig } }), im.AuthenticationError)
    // replays are refused on request, and only then
    const query = { nonce: '7', signTimestamp: ts, signature: sig }
    rc.verifyCallback({ query, rejectReplays: true })
    assert.throws(() => rc.verifyCallback({ query, rejectReplays: true }), (e) => e instanceof im.AuthenticationError && /replay/.test(e.message))
    rc.verifyCallback({ query })
  } finally {
    emu.stop()
  }
})
