'use strict'
// `npx imcloud-emulator` (bin/imcloud-emulator.js): starts, says where it listens (one JSON line),
// serves a client built from that line, stops with exit code 0 on SIGTERM / SIGINT.
const test = require('node:test')
const assert = require('node:assert/strict')
const { spawn, spawnSync } = require('node:child_process')
const net = require('node:net')
const path = require('node:path')
const { once } = require('node:events')
const readline = require('node:readline')
const { RongCloud, Easemob } = require('../lib/index')

const bin = path.join(__dirname, '..', 'bin', 'imcloud-emulator.js')
const camel = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/_(.)/g, (_, c) => c.toUpperCase()), v]))

/** Start the bin; resolves with the process, its JSON line, and its stderr so far. */
async function start(args) {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d) => {
    stderr += d
  })
  const lines = readline.createInterface({ input: child.stdout })
  const [first] = await Promise.race([once(lines, 'line'), once(child, 'exit').then(([code]) => assert.fail(`exited ${code}: ${stderr}`))])
  return { child, info: JSON.parse(first), stderr: () => stderr }
}

async function stop(child, signal) {
  const exited = once(child, 'exit')
  child.kill(signal)
  const [code, sig] = await exited
  return { code, sig }
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

test('it prints where each cloud listens, serves clients made from that, and exits 0 on SIGTERM', async () => {
  const { child, info, stderr } = await start(['--hosts', '2'])
  try {
    assert.equal(info.hosts.length, 2)
    assert.deepEqual(info.rongcloud.hosts, info.hosts)
    assert.deepEqual(info.easemob.hosts, info.hosts)
    assert.match(info.admin, /^http:\/\/127\.0\.0\.1:\d+$/)
    assert.equal(info.pid, child.pid)
    const rc = new RongCloud(camel(info.rongcloud))
    const r = await rc.userRegister({ userId: 'bin-u1', name: 'Ann' })
    assert.equal(r.host, info.hosts[0])
    assert.ok(r.token)
    const em = new Easemob(camel(info.easemob))
    assert.ok(await em.appToken())
    const seen = await (await fetch(`${info.admin}/_emulator/requests?host=0`)).json()
    assert.ok(seen.some((q) => q.operation === 'user.register'), JSON.stringify(seen.map((q) => q.operation)))
    assert.match(stderr(), /RongCloud and Easemob \/ Agora Chat on http:\/\/127\.0\.0\.1:\d+, http:/)
  } finally {
    assert.deepEqual(await stop(child, 'SIGTERM'), { code: 0, sig: null })
  }
})

test('fixed ports, one app of each cloud, SIGINT', async () => {
  const [port, admin] = [await freePort(), await freePort()]
  const args = ['--ports', String(port), '--admin-port', String(admin), '--rongcloud', 'k1:s1', '--easemob', 'o#a:cid:csec', '--agora', 'aid:acert']
  const { child, info } = await start(args)
  try {
    assert.deepEqual(info.hosts, [`http://127.0.0.1:${port}`])
    assert.equal(info.admin, `http://127.0.0.1:${admin}`)
    assert.equal(info.rongcloud.app_key, 'k1')
    assert.equal(info.easemob.client_id, 'cid')
    assert.equal(info.agora.agora_app_id, 'aid')
    const r = await new RongCloud(camel(info.rongcloud)).userRegister({ userId: 'bin-u2', name: 'Bob' })
    assert.ok(r.token)
    // the port is taken: a second one says so and exits 1
    const again = spawnSync(process.execPath, [bin, '--port', String(port)], { encoding: 'utf8', timeout: 30000 })
    assert.equal(again.status, 1, again.stderr)
    assert.match(again.stderr, /cannot start/)
  } finally {
    assert.deepEqual(await stop(child, 'SIGINT'), { code: 0, sig: null })
  }
})

test('--help exits 0 with the options; a wrong option exits 2 with the usage', () => {
  const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' })
  assert.equal(help.status, 0)
  for (const o of ['--bind', '--hosts', '--port', '--ports', '--admin-port', '--rongcloud', '--easemob', '--agora']) assert.ok(help.stdout.includes(o), o)
  for (const bad of [['--bogus'], ['--hosts', 'two'], ['--port', '70000'], ['--ports', '1,2', '--hosts', '3'], ['--agora', 'a:b'], ['--rongcloud', 'nosecret']]) {
    const r = spawnSync(process.execPath, [bin, ...bad], { encoding: 'utf8' })
    assert.equal(r.status, 2, `${bad.join(' ')}: ${r.stderr}`)
    assert.match(r.stderr, /^imcloud-emulator: .+\n\nusage: imcloud-emulator/, bad.join(' '))
  }
})
