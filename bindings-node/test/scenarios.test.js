'use strict'
// The language-neutral scenarios (tests/scenarios/*.json) through the Node binding.
// Follows the Rust runner (tests/rust/scenarios.rs); see tests/scenarios/README.md.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { ImcloudError } = require('../lib/index')
const { Emulator } = require('../lib/testing')

const dir = path.join(__dirname, '..', '..', 'tests', 'scenarios')
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
const scenarios = files.flatMap((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')).scenarios.map((s) => [f, s]))

const camel = (s) => s.replace(/[._]([a-z0-9])/g, (_, c) => c.toUpperCase())

function subst(v, vars) {
  if (typeof v === 'string') {
    const m = /^\$\{(\d+) (chars|users)\}$/.exec(v)
    if (m) return m[2] === 'chars' ? 'x'.repeat(+m[1]) : Array.from({ length: +m[1] }, (_, i) => `u${i}`)
    return Object.entries(vars).reduce((s, [k, val]) => s.split('${' + k + '}').join(val), v)
  }
  if (Array.isArray(v)) return v.map((x) => subst(x, vars))
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, subst(x, vars)]))
  return v
}

function subset(exp, act, at) {
  if (exp === '$any') return assert.ok(act !== undefined && act !== null, `${at}: missing`)
  if (exp === '$nonempty') return assert.ok((typeof act === 'string' || Array.isArray(act)) && act.length > 0, `${at}: expected non-empty, got ${JSON.stringify(act)}`)
  if (Array.isArray(exp)) {
    assert.ok(Array.isArray(act) && act.length === exp.length, `${at}: expected ${exp.length} items, got ${JSON.stringify(act)}`)
    for (const [i, e] of exp.entries()) subset(e, act[i], `${at}[${i}]`)
    return
  }
  if (exp && typeof exp === 'object') {
    assert.ok(act && typeof act === 'object', `${at}: expected an object, got ${JSON.stringify(act)}`)
    for (const [k, v] of Object.entries(exp)) subset(v, act[k], `${at}.${k}`)
    return
  }
  assert.deepEqual(act, exp, at)
}

async function invoke(client, op, args, file) {
  const params = Object.fromEntries(Object.entries(args).map(([k, v]) => [camel(k), v]))
  const method = client[camel(op.replace(/\./g, '_'))].bind(client)
  if (file) {
    const data = file.text !== undefined ? Buffer.from(file.text) : Buffer.alloc(file.size)
    return (await method({ ...params, file: data, filename: file.name })).data
  }
  if (op.endsWith('download')) return { downloaded_text: (await method(params)).data.toString('utf8') }
  return (await method(params)).data
}

const header = (r, name) => (r.headers.find(([k]) => k.toLowerCase() === name.toLowerCase()) ?? [])[1]

function checkRequests(emu, op, exp) {
  const reqs = emu.hosts.flatMap((_, h) => emu.requests(h)).filter((r) => r.operation === op).sort((a, b) => a.at_ms - b.at_ms)
  if (exp.requests_per_host) {
    const got = exp.requests_per_host.map((_, h) => reqs.filter((r) => r.host === h).length)
    assert.deepEqual(got, exp.requests_per_host, 'requests per host')
  }
  if (!exp.requests) return
  assert.equal(reqs.length, exp.requests.length, `requests of ${op}`)
  exp.requests.forEach((want, i) => {
    const r = reqs[i]
    const at = `requests[${i}]`
    for (const key of ['host', 'method', 'path', 'query', 'body']) if (key in want) subset(want[key], r[key], `${at}.${key}`)
    if (want.content_type) assert.ok((header(r, 'content-type') ?? '').startsWith(want.content_type), `${at}.content_type`)
    if (want.form) {
      const form = {}
      for (const [k, v] of new URLSearchParams(r.body)) {
        form[k] = form[k] ?? []
        form[k].push(v)
      }
      subset(want.form, form, `${at}.form`)
    }
    if (want.json) subset(want.json, JSON.parse(r.body), `${at}.json`)
    for (const [name, v] of Object.entries(want.headers ?? {})) {
      assert.ok(header(r, name) !== undefined, `${at}: header ${name} missing`)
      subset(v, header(r, name), `${at}.headers.${name}`)
    }
  })
}

test('scenarios were found', () => assert.ok(scenarios.length >= 30))

for (const [file, sc] of scenarios) {
  test(`${file}: ${sc.name}`, async () => {
    const emu = new Emulator({ hosts: sc.hosts ?? 2 })
    try {
      const client = { rongcloud: () => emu.rongcloud(), easemob: () => emu.easemob(), agora: () => emu.agora() }[sc.client]()
      const vars = {}
      for (const step of sc.setup ?? []) {
        if (step.fault) {
          const { host = 0, kind, retry_after: retryAfter, path_contains: pathContains, ...rest } = step.fault
          emu.setFault(host, kind, { ...rest, retryAfter, pathContains })
        } else if (step.online) emu.setOnline(step.online.user, step.online.online ?? true)
        else if (step.call) {
          const res = await invoke(client, step.call.operation, subst(step.call.args, vars), step.call.file)
          // a dotted path (`messageUIDs.0.messageUID`) into the result
          for (const [k, p] of Object.entries(step.save ?? {})) vars[k] = String(p.split('.').reduce((v, key) => v[key], res))
        }
      }
      emu.clearRequests()
      const expect = subst(sc.expect, vars)
      const args = subst(sc.args, vars)
      if (expect.error) {
        let err
        try {
          await invoke(client, sc.operation, args, sc.file)
        } catch (e) {
          err = e
        }
        assert.ok(err instanceof ImcloudError, `expected an error, got ${err}`)
        const got = { kind: err.kind, param: err.param, http_status: err.httpStatus, api_code: err.apiCode, retryable: err.retryable }
        for (const key of ['kind', 'param', 'http_status', 'api_code', 'retryable']) if (key in expect.error) assert.deepEqual(got[key], expect.error[key], `error.${key} (${err.message})`)
        for (const frag of expect.error.message_contains ?? []) assert.ok(err.message.includes(frag), `message lacks ${frag}: ${err.message}`)
      } else {
        const res = await invoke(client, sc.operation, args, sc.file)
        if (expect.result) subset(expect.result, res, 'result')
        if (expect.downloaded_text !== undefined) subset(expect.downloaded_text, res.downloaded_text, 'downloaded_text')
      }
      checkRequests(emu, sc.operation, expect)
    } finally {
      emu.stop()
    }
  })
}
