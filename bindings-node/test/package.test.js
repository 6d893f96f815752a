'use strict'
// The npm package's layout: one platform package per napi target (npm/<platform>/, as
// `napi create-npm-dirs` makes them from package.json), named as the generated loader (native.js)
// requires them; the main package's entry points exist and carry no addon.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

const root = path.join(__dirname, '..')
const pkg = require('../package.json')
const read = (...p) => fs.readFileSync(path.join(...p), 'utf8')

test('npm/ is what `napi create-npm-dirs` makes of package.json (rerun it after changing either)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'imcloud-npm-dirs-'))
  try {
    fs.copyFileSync(path.join(root, 'package.json'), path.join(tmp, 'package.json'))
    const napi = path.join(root, 'node_modules', '@napi-rs', 'cli', 'dist', 'cli.js')
    const r = spawnSync(process.execPath, [napi, 'create-npm-dirs', '--cwd', tmp], { encoding: 'utf8', timeout: 120000 })
    assert.equal(r.status, 0, r.stdout + r.stderr)
    const want = fs.readdirSync(path.join(tmp, 'npm')).sort()
    assert.deepEqual(fs.readdirSync(path.join(root, 'npm')).sort(), want)
    assert.equal(want.length, pkg.napi.targets.length)
    for (const dir of want) {
      for (const f of ['package.json', 'README.md']) assert.equal(read(root, 'npm', dir, f), read(tmp, 'npm', dir, f), `npm/${dir}/${f}`)
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
})

test('each platform package is the one the loader requires, at the package version, with os, cpu and its addon as main', () => {
  const loader = read(root, 'native.js')
  for (const dir of fs.readdirSync(path.join(root, 'npm'))) {
    const p = JSON.parse(read(root, 'npm', dir, 'package.json'))
    assert.equal(p.name, `${pkg.name}-${dir}`)
    assert.equal(p.version, pkg.version)
    assert.ok(loader.includes(`require('${p.name}')`), `native.js requires ${p.name}`)
    assert.equal(p.main, `${pkg.napi.binaryName}.${dir}.node`)
    assert.deepEqual(p.files, [p.main])
    assert.ok(p.os?.length && p.cpu?.length, dir)
    if (dir.endsWith('-gnu')) assert.deepEqual(p.libc, ['glibc'])
    for (const k of ['license', 'repository', 'homepage', 'bugs', 'engines']) assert.deepEqual(p[k], pkg[k], `${dir}: ${k}`)
  }
})

test('the main package: entry points that exist, no addon, the metadata a registry shows', () => {
  assert.ok(!pkg.files.some((f) => f.includes('.node')), 'the addon is in the platform packages')
  const targets = []
  const walk = (v) => (typeof v === 'string' ? targets.push(v) : Object.values(v).forEach(walk))
  walk(pkg.exports)
  for (const t of targets) assert.ok(fs.existsSync(path.join(root, t)), t)
  for (const [cond, ext] of [
    ['import', /\.mjs$/],
    ['require', /\.js$/],
  ]) {
    assert.match(pkg.exports['.'][cond].default, ext)
    assert.match(pkg.exports['./testing'][cond].default, ext)
  }
  const bin = path.join(root, pkg.bin['imcloud-emulator'])
  assert.ok(fs.statSync(bin).mode & 0o111, 'the bin is executable')
  assert.match(read(bin), /^#!\/usr\/bin\/env node\n/)
  assert.match(pkg.repository.url, /github\.com\/imcloud\/imcloud/)
  assert.ok(pkg.homepage && pkg.bugs.url && pkg.keywords.length && pkg.engines.node)
  assert.match(read(root, 'LICENSE'), /Apache License\s+Version 2\.0/)
  assert.ok(pkg.files.includes('LICENSE'))
})
