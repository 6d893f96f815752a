// The seeds' journey in TypeScript/Node against the embedded emulator — the README's demonstration.
// Part-way through, the primary host refuses connections and the calls go on through the backup.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { InvalidArgumentError, type Result } from '../lib/index'
import { Emulator } from '../lib/testing'

async function main(): Promise<void> {
  const emu = new Emulator()
  const [primary, backup] = emu.hosts
  const step = (what: string, r: { host: string }, detail = ''): void => {
    console.log(`  ✓ ${what.padEnd(44)} via ${(r.host === primary ? 'primary' : 'backup').padEnd(7)}  ${detail}`)
  }
  try {
    console.log(`imcloud demo (Node) — emulator hosts: primary ${primary}, backup ${backup}`)
    const rc = emu.rongcloud()
    const em = emu.easemob()
    console.log('RongCloud:')
    for (const [userId, name] of [['u1', 'Ann'], ['u2', 'Bob']] as const) {
      const r = await rc.userRegister({ userId, name })
      step(`register ${userId} and get its token`, r, `token ${(r.token ?? '').slice(0, 12)}…`)
    }
    step('send a text message u1 → u2', await rc.messagePrivatePublish({ fromUserId: 'u1', toUserIds: ['u2'], objectName: 'RC:TxtMsg', content: { content: 'Hello Bob' } }))
    emu.setOnline('u2')
    const online = await rc.userCheckOnline({ userId: 'u2' })
    step('check whether u2 is online', online, `status ${online.status}`)

    console.log('Easemob / Agora Chat:')
    step('register alice and bob', await em.userRegisterBatch({ users: [{ username: 'alice', password: 'a' }, { username: 'bob', password: 'b' }] }))
    step('send a text message alice → bob', await em.messageSendText({ targetType: 'users', from: 'alice', to: ['bob'], msg: 'Hi Bob!' }))
    const img = await em.attachmentUpload({ file: Buffer.from('\xff\xd8\xff\xe0 tiny jpeg', 'latin1'), filename: 'cat.jpg', restrictAccess: true })
    step('upload an image attachment', img, `uuid ${(img.uuid ?? '').slice(0, 12)}…`)
    step('send the image message alice → bob', await em.messageSendImage({ targetType: 'users', from: 'alice', to: ['bob'], url: `${primary}/chatfiles/${img.uuid}`, filename: 'cat.jpg', secret: img.shareSecret, width: 64, height: 48 }))
    emu.setOnline('alice')
    const st: Result = await em.userStatusBatch({ usernames: ['alice', 'bob'] })
    step('check online status of alice and bob', st, JSON.stringify(st.data))
    const g = await em.groupCreate({ groupname: 'launch', public: false, owner: 'alice', members: ['bob'] })
    const groupId = g.groupid ?? ''
    step('create a group', g, `group ${groupId}`)
    step('set the group announcement', await em.groupAnnouncementSet({ groupId, announcement: 'Launch on Friday 🚀' }))
    const a = await em.groupAnnouncementGet({ groupId })
    step('read the group announcement', a, JSON.stringify(a.announcement))
    try {
      await em.groupAnnouncementSet({ groupId, announcement: 'x'.repeat(600) })
    } catch (e) {
      if (!(e instanceof InvalidArgumentError)) throw e
      console.log(`  ✓ ${'a 600-character announcement is refused'.padEnd(44)} before sending: ${e.param}`)
    }

    console.log('--- the primary host goes down (connections refused) ---')
    emu.setFault(0, 'refuse')
    const dir = mkdtempSync(join(tmpdir(), 'imcloud-demo-'))
    try {
      const plan = join(dir, 'plan.txt')
      writeFileSync(plan, 'Friday: ship it.\n'.repeat(1000))
      const up = await em.groupShareFileUpload({ groupId, file: plan })
      step('upload a share file (streamed from disk)', up, `${up.fileSize} bytes`)
      const list = await em.groupShareFiles({ groupId, pagenum: 1, pagesize: 10 })
      step("list the group's share files", list, `${list.length} file(s)`)
      const copy = join(dir, 'copy.txt')
      const d = await em.groupShareFileDownload({ groupId, fileId: up.fileId ?? '', dest: copy })
      step('download the share file (streamed to disk)', d, `${d.bytes} bytes, identical: ${readFileSync(copy).equals(readFileSync(plan))}`)
      step('delete the share file', await em.groupShareFileDelete({ groupId, fileId: up.fileId ?? '' }))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    const att = await em.attachmentUpload({ file: Buffer.alloc(4096, 7), filename: 'voice.amr' })
    step('upload an attachment', att, `uuid ${(att.uuid ?? '').slice(0, 12)}…`)
    const back = await em.attachmentDownload({ uuid: att.uuid ?? '' })
    step('download the attachment (to memory)', back, `${back.data?.length} bytes`)
    step('RongCloud: send a text message u2 → u1', await rc.messagePrivatePublish({ fromUserId: 'u2', toUserIds: ['u1'], objectName: 'RC:TxtMsg', content: { content: 'Still here' } }), 'sent once')
    const sent = emu.sentMessages().length
    console.log(`done: primary served ${emu.requestCount(0)} requests, backup ${emu.requestCount(1)}; ${sent} messages recorded`)
    if (emu.requestCount(1) === 0 || sent !== 4) throw new Error('the demo did not go as expected')
  } finally {
    emu.stop()
  }
}

main().catch((e: unknown) => {
  console.error(e)
  process.exit(1)
})
