'use strict'
// The language-neutral scenarios (tests/scenarios/*.json) through the Node binding's typed methods.
// Follows the Rust runner (tests/rust/scenarios.rs); see tests/scenarios/README.md.
//
// Every catalogue operation is the call under test of some scenario (the Rust runner checks that), so
// replaying them all calls every operation here too, and every successful call's result is checked
// against the declaration: it is the operation's generated result class, and each declared field reads
// through its getter as the declared JS type (or undefined/null). Nothing here names an operation.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { inspect } = require('node:util')
const im = require('../lib/index')
const { ImcloudError } = im
const { Emulator } = require('../lib/testing')

const dir = path.join(__dirname, '..', '..', 'tests', 'scenarios')
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
const scenarios = files.flatMap((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')).scenarios.map((s) => [f, s]))
/** `file: name` of each scenario replayed to its end. */
const replayed = new Set()

const camel = (s) => s.replace(/[._]([a-z0-9])/g, (_, c) => c.toUpperCase())
const pascal = (s) => camel(s).replace(/^./, (c) => c.toUpperCase())

// the catalogue each client kind speaks, and the prefix of its generated result classes
const CLOUD = { rongcloud: 'rongcloud', easemob: 'easemob', agora: 'easemob' }
const PREFIX = { rongcloud: 'RongCloud', easemob: 'Easemob' }
const OPERATIONS = Object.fromEntries(Object.keys(PREFIX).map((c) => [c, new Map(im.catalogue(c).operations.map((o) => [o.name, o]))]))

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v)
/** What a value of each declared result field type looks like in JS (other types: any value). */
const IS = {
  string: (v) => typeof v === 'string',
  int: (v) => Number.isInteger(v),
  bool: (v) => typeof v === 'boolean',
  string_list: (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'),
  object_list: (v) => Array.isArray(v) && v.every(isObject),
}

/** The value at a dotted path (`data.entities.0`; `$` is the root) of a JSON value, or undefined. */
const getPath = (v, p) => (p === '$' ? v : p.split('.').reduce((cur, part) => (cur !== null && typeof cur === 'object' ? cur[part] : undefined), v))

/**
 * `res` (of a typed call of `op`) is the operation's generated result class, and each declared field
 * reads through its getter as its declared type, present whenever it was sent.
 */
function checkTyped(kind, op, res) {
  const cloud = CLOUD[kind]
  const decl = OPERATIONS[cloud].get(op)
  assert.ok(decl, `${op}: not in the ${cloud} catalogue`)
  if (decl.response.shape === 'bytes') {
    assert.ok(res instanceof im.DownloadResult, `${op}: a DownloadResult, got ${res?.constructor?.name}`)
    assert.ok(Buffer.isBuffer(res.data) && res.data.length === res.bytes, `${op}: ${res.bytes} bytes reported`)
    return
  }
  const name = `${PREFIX[cloud]}${pascal(op)}Result`
  const cls = im[name]
  assert.equal(typeof cls, 'function', `${op}: no generated ${name}`)
  assert.equal(res?.constructor, cls, `${op}: a ${name}, got ${res?.constructor?.name}`)
  let rows
  if (res instanceof im.ListResult) {
    assert.equal(decl.response.shape, 'array', `${op}: a list result for a ${decl.response.shape} answer`)
    const items = res.items
    assert.equal(items.length, res.data.length, `${op}: one item per element`)
    for (const item of items) assert.equal(item.constructor, cls.itemClass, `${op}: items are ${cls.itemClass.name}`)
    rows = items.map((item, i) => [item, item.raw, `${op}.items[${i}]`])
  } else {
    rows = [[res, res.data, op]]
  }
  for (const [obj, sent, where] of rows) {
    for (const f of decl.response.fields ?? []) {
      const key = camel(f.name)
      const v = obj[key]
      const wire = getPath(sent, f.wire)
      const at = `${where}.${key} = ${inspect(v)} (sent ${inspect(wire)})`
      if (wire !== undefined && wire !== null) assert.ok(v !== undefined && v !== null, `${at}: sent but reads as ${v}`)
      if (v !== undefined && v !== null && IS[f.type]) assert.ok(IS[f.type](v), `${at} is not a ${f.type}`)
    }
  }
}

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
  // null expects the field absent or null (as the Rust runner reads a missing field)
  if (exp === null) return assert.ok(act === null || act === undefined, `${at}: expected null or absent, got ${JSON.stringify(act)}`)
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

/** Call `op` through its typed method; check the typed result; answer what the scenario compares. */
async function invoke(client, kind, op, args, file) {
  const params = Object.fromEntries(Object.entries(args).map(([k, v]) => [camel(k), v]))
  const name = camel(op)
  assert.equal(typeof client[name], 'function', `${op}: no method ${name}`)
  const method = client[name].bind(client)
  const res = file ? await method({ ...params, file: file.text !== undefined ? Buffer.from(file.text) : Buffer.alloc(file.size), filename: file.name }) : await method(params)
  checkTyped(kind, op, res)
  return res instanceof im.DownloadResult ? { downloaded_text: res.data.toString('utf8') } : res.data
}

/** More pages than any scenario reads: a list that does not end fails instead of hanging. */
const MAX_PAGES = 100

/** Read `op` through its typed page iterator (`…Pages`) to the end; check each page's typed result. */
async function invokePages(client, kind, op, args) {
  const params = Object.fromEntries(Object.entries(args).map(([k, v]) => [camel(k), v]))
  const name = `${camel(op)}Pages`
  assert.equal(typeof client[name], 'function', `${op}: no method ${name}`)
  const pages = []
  for await (const page of client[name](params)) {
    checkTyped(kind, op, page)
    pages.push(page.data)
    assert.ok(pages.length <= MAX_PAGES, `${op}: more than ${MAX_PAGES} pages`)
  }
  return pages
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

test('the scenario directory holds only scenario files', () => {
  // a file the filter above misses would be skipped silently
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f !== 'README.md' && !files.includes(f)), [], 'not replayed (only *.json files are)')
  const names = scenarios.map(([f, s]) => `${f}: ${s.name}`)
  assert.equal(new Set(names).size, names.length, 'scenario names repeat within a file')
  assert.ok(scenarios.length >= 30)
})

for (const [file, sc] of scenarios) {
  test(`${file}: ${sc.name}`, async () => {
    const emu = new Emulator({ hosts: sc.hosts ?? 2 })
    try {
      const kind = sc.client
      const client = { rongcloud: () => emu.rongcloud(), easemob: () => emu.easemob(), agora: () => emu.agora() }[kind]()
      const vars = {}
      for (const step of sc.setup ?? []) {
        if (step.fault) {
          const { host = 0, kind, retry_after: retryAfter, path_contains: pathContains, ...rest } = step.fault
          emu.setFault(host, kind, { ...rest, retryAfter, pathContains })
        } else if (step.online) emu.setOnline(step.online.user, step.online.online ?? true)
        else if (step.call) {
          const res = await invoke(client, kind, step.call.operation, subst(step.call.args, vars), step.call.file)
          for (const [k, p] of Object.entries(step.save ?? {})) {
            const v = getPath(res, p)
            assert.ok(v !== undefined && v !== null, `setup result has no ${p}: ${JSON.stringify(res)}`)
            vars[k] = typeof v === 'string' ? v : JSON.stringify(v)
          }
        } else assert.fail(`unknown setup step ${JSON.stringify(step)}`)
      }
      emu.clearRequests()
      const expect = subst(sc.expect, vars)
      const args = subst(sc.args, vars)
      if (expect.error) {
        let err
        try {
          await invoke(client, kind, sc.operation, args, sc.file)
        } catch (e) {
          err = e
        }
        assert.ok(err instanceof ImcloudError, `expected an error, got ${err}`)
        const got = { kind: err.kind, param: err.param, http_status: err.httpStatus, api_code: err.apiCode, retryable: err.retryable }
        for (const key of ['kind', 'param', 'http_status', 'api_code', 'retryable']) if (key in expect.error) assert.deepEqual(got[key], expect.error[key], `error.${key} (${err.message})`)
        for (const frag of expect.error.message_contains ?? []) assert.ok(err.message.includes(frag), `message lacks ${frag}: ${err.message}`)
      } else {
        const res = sc.pages ? await invokePages(client, kind, sc.operation, args) : await invoke(client, kind, sc.operation, args, sc.file)
        if (expect.pages) subset(expect.pages, res, 'pages')
        if (expect.result) subset(expect.result, res, 'result')
        if (expect.downloaded_text !== undefined) subset(expect.downloaded_text, res.downloaded_text, 'downloaded_text')
      }
      checkRequests(emu, sc.operation, expect)
      replayed.add(`${file}: ${sc.name}`)
    } finally {
      emu.stop()
    }
  })
}

// node:test runs a file's top-level tests in order: this one comes after every scenario
test('every scenario in the files was replayed to its end', () => {
  const counted = files.reduce((n, f) => n + JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')).scenarios.length, 0)
  const missing = scenarios.map(([f, s]) => `${f}: ${s.name}`).filter((n) => !replayed.has(n))
  assert.deepEqual(missing, [], 'not replayed to their end')
  assert.equal(replayed.size, counted)
})
