#!/usr/bin/env node
'use strict'
// `npx imcloud-emulator`: the emulator of `imcloud/testing` as a process, for tests in other
// languages or a docker-compose service. Prints one JSON line (stdout) with where each cloud's
// hosts listen and the credentials they accept, and a line for people (stderr); serves until
// SIGINT or SIGTERM, then exits 0.
const { parseArgs } = require('node:util')

const USAGE = `usage: imcloud-emulator [options]

Runs a local emulator of the RongCloud Server API and the Easemob / Agora Chat REST API (both
clouds on every host) until SIGINT or SIGTERM. Prints one JSON line on stdout:
  {"hosts": [...], "admin": URL, "rongcloud": {...}, "easemob": {...}, "agora": {...}, "pid": N}
each cloud with its "hosts" and the settings of a client wired to them (snake_case), then a
line for people on stderr. Under npx, send SIGTERM to "pid" (npx does not pass it on), or run
node_modules/.bin/imcloud-emulator itself.

options:
  --bind ADDR                address to listen on (default 127.0.0.1; 0.0.0.0 in a container)
  --hosts N                  hosts (ports) serving both clouds, primary first (default 2)
  --port P                   fixed ports P, P+1, ... for the hosts (default: free ports)
  --ports P1,P2,...          fixed ports, one per host (sets --hosts)
  --admin-port P             port of the admin API /_emulator/... (default: a free port)
  --rongcloud KEY:SECRET     the RongCloud app (default emulator-app-key:emulator-app-secret)
  --easemob ORG#APP:CLIENT_ID:CLIENT_SECRET
                             the Easemob app (default emulator-org#emulator-app:...)
  --agora APP_ID:CERT        accept Agora tokens of this App ID and Certificate for the
                             --easemob app (the default app accepts the test vectors')
  -h, --help                 this help`

const fail = (why) => {
  process.stderr.write(`imcloud-emulator: ${why}\n\n${USAGE}\n`)
  process.exit(2)
}

function portNumber(text, what) {
  const n = Number(text)
  if (!/^\d+$/.test(text) || n > 65535) fail(`${what} takes a port number (0-65535), got ${JSON.stringify(text)}`)
  return n
}

function options(argv) {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        bind: { type: 'string' },
        hosts: { type: 'string' },
        port: { type: 'string' },
        ports: { type: 'string' },
        'admin-port': { type: 'string' },
        rongcloud: { type: 'string' },
        easemob: { type: 'string' },
        agora: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values
  } catch (e) {
    fail(e.message)
  }
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`)
    process.exit(0)
  }
  const o = {}
  if (parsed.bind !== undefined) o.bind = parsed.bind
  if (parsed.hosts !== undefined) {
    o.hosts = Number(parsed.hosts)
    if (!/^\d+$/.test(parsed.hosts) || o.hosts < 1) fail(`--hosts takes a number of hosts (1 or more), got ${JSON.stringify(parsed.hosts)}`)
  }
  if (parsed.port !== undefined && parsed.ports !== undefined) fail('give --port or --ports, not both')
  if (parsed.ports !== undefined) {
    o.ports = parsed.ports.split(',').map((p) => portNumber(p.trim(), '--ports'))
    if (o.hosts !== undefined && o.hosts !== o.ports.length) fail(`--hosts ${o.hosts} but ${o.ports.length} --ports`)
    o.hosts = o.ports.length
  }
  if (parsed.port !== undefined) {
    const first = portNumber(parsed.port, '--port')
    o.ports = Array.from({ length: o.hosts ?? 2 }, (_, i) => first + i)
  }
  if (parsed['admin-port'] !== undefined) o.adminPort = portNumber(parsed['admin-port'], '--admin-port')
  if (parsed.rongcloud !== undefined) {
    const [appKey, ...rest] = parsed.rongcloud.split(':')
    if (!appKey || rest.length === 0 || !rest.join(':')) fail('--rongcloud takes KEY:SECRET')
    o.rongcloud = [{ appKey, appSecret: rest.join(':') }]
  }
  if (parsed.agora !== undefined && parsed.easemob === undefined) fail('--agora goes with an --easemob app')
  if (parsed.easemob !== undefined) {
    const [appKey, clientId, ...rest] = parsed.easemob.split(':')
    if (!appKey?.includes('#') || !clientId || !rest.join(':')) fail('--easemob takes ORG#APP:CLIENT_ID:CLIENT_SECRET')
    const app = { appKey, clientId, clientSecret: rest.join(':') }
    if (parsed.agora !== undefined) {
      const [agoraAppId, agoraAppCertificate] = parsed.agora.split(':')
      if (!agoraAppId || !agoraAppCertificate) fail('--agora takes APP_ID:CERT')
      Object.assign(app, { agoraAppId, agoraAppCertificate })
    }
    o.easemob = [app]
  }
  return o
}

function main() {
  const o = options(process.argv.slice(2))
  const { Emulator } = require('../lib/testing')
  let emu
  try {
    emu = new Emulator(o)
  } catch (e) {
    process.stderr.write(`imcloud-emulator: cannot start: ${e.message}\n`)
    process.exit(1)
  }
  const cloud = (kind) => {
    try {
      return emu.clientConfig(kind)
    } catch {
      return null // e.g. agora, for an Easemob app without an Agora App ID
    }
  }
  const info = { hosts: emu.hosts, admin: emu.adminUrl, rongcloud: cloud('rongcloud'), easemob: cloud('easemob'), agora: cloud('agora'), pid: process.pid }
  process.stdout.write(`${JSON.stringify(info)}\n`)
  process.stderr.write(
    `imcloud-emulator: RongCloud and Easemob / Agora Chat on ${emu.hosts.join(', ')} (primary first); admin API ${emu.adminUrl}; Ctrl-C or SIGTERM stops it\n`,
  )
  // the emulator serves from the core's threads; this keeps Node's event loop (and so the process) alive
  const alive = setInterval(() => {}, 1 << 30)
  const stop = () => {
    clearInterval(alive)
    emu.stop()
    process.exit(0)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main()
