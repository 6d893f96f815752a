// The seeds' journey in TypeScript/Node against the emulator — the README's demonstration.
// Part-way through, the primary host refuses connections and the calls go on through the backup.
// The emulator is one in this process (`imcloud/testing`), or the one `npx imcloud-emulator`
// started when IMCLOUD_EMULATOR holds the JSON line it printed (driven through its admin API).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Easemob, type EasemobSettings, InvalidArgumentError, type Result, RongCloud, type RongCloudSettings } from 'imcloud'
import { Emulator } from 'imcloud/testing'

/** What the journey needs of an emulator. */
interface Emu {
  hosts: string[]
  rongcloud(): RongCloud
  easemob(): Easemob
  setOnline(user: string): void | Promise<void>
  setFault(host: number, kind: 'refuse'): void | Promise<void>
  requestCount(host: number): number | Promise<number>
  sentMessages(): unknown[] | Promise<unknown[]>
  stop(): void
}

/** The emulator of another process: its line from `imcloud-emulator` (settings in snake_case). */
function external(line: string): Emu {
  const info = JSON.parse(line)
  const camel = <T>(o: object): T => Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/_(.)/g, (_, c: string) => c.toUpperCase()), v])) as T
  const admin = async (method: string, path: string, body?: object): Promise<unknown> => {
    const r = await fetch(`${info.admin}/_emulator/${path}`, { method, body: body && JSON.stringify(body) })
    if (!r.ok) throw new Error(`admin ${method} ${path}: HTTP ${r.status} ${await r.text()}`)
    return r.json()
  }
  return {
    hosts: info.hosts,
    rongcloud: () => new RongCloud(camel<RongCloudSettings>(info.rongcloud)),
    easemob: () => new Easemob(camel<EasemobSettings>(info.easemob)),
    setOnline: async (user) => void (await admin('POST', 'online', { user, online: true })),
    setFault: async (host, kind) => void (await admin('POST', 'faults', { host, kind })),
    requestCount: async (host) => ((await admin('GET', `requests?host=${host}`)) as unknown[]).length,
    sentMessages: async () => (await admin('GET', 'messages')) as unknown[],
    stop: () => {},
  }
}

async function main(): Promise<void> {
  const line = process.env.IMCLOUD_EMULATOR
  const emu: Emu = line ? external(line) : new Emulator()
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
    await emu.setOnline('u2')
    const online = await rc.userCheckOnline({ userId: 'u2' })
    step('check whether u2 is online', online, `status ${online.status}`)

    console.log('Easemob / Agora Chat:')
    step('register alice and bob', await em.userRegisterBatch({ users: [{ username: 'alice', password: 'a' }, { username: 'bob', password: 'b' }] }))
    step('send a text message alice → bob', await em.messageSendText({ targetType: 'users', from: 'alice', to: ['bob'], msg: 'Hi Bob!' }))
    const img = await em.attachmentUpload({ file: Buffer.from('\xff\xd8\xff\xe0 tiny jpeg', 'latin1'), filename: 'cat.jpg', restrictAccess: true })
    step('upload an image attachment', img, `uuid ${(img.uuid ?? '').slice(0, 12)}…`)
    step('send the image message alice → bob', await em.messageSendImage({ targetType: 'users', from: 'alice', to: ['bob'], url: `${primary}/chatfiles/${img.uuid}`, filename: 'cat.jpg', secret: img.shareSecret, width: 64, height: 48 }))
    await emu.setOnline('alice')
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
    await emu.setFault(0, 'refuse')
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
    const sent = (await emu.sentMessages()).length
    const [onPrimary, onBackup] = [await emu.requestCount(0), await emu.requestCount(1)]
    console.log(`done: primary served ${onPrimary} requests, backup ${onBackup}; ${sent} messages recorded`)
    if (onBackup === 0 || sent !== 4) throw new Error('the demo did not go as expected')
  } finally {
    emu.stop()
  }
}

main().catch((e: unknown) => {
  console.error(e)
  process.exit(1)
})
