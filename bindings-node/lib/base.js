'use strict'
// The hand-written half of the clients: results, files, and the Promise plumbing.
// The operations themselves are generated from the catalogue (generated.js).
const { inspect } = require('node:util')
const native = require('../native.js')
const { InvalidArgumentError, fromNative } = require('./errors')

/** The answer of a call: typed getters for the declared fields, plus `data`, `raw`, `requestId`, `host`, `httpStatus`. */
class Result {
  constructor(env) {
    this.data = env.result
    this.raw = env.body
    this.requestId = env.requestId
    this.host = env.host
    this.httpStatus = env.httpStatus
    // The declared fields as the core normalised them (the getters read these), and the result
    // as the core redacted it (what inspect shows): decoding and redaction happen in the core.
    hidden(this, '_fields', env.fields)
    hidden(this, '_redacted', env.redacted)
  }

  /** A declared field by its (snake_case) name, as the core normalised it; absent: undefined. */
  _field(name) {
    const fields = this._fields
    return fields && typeof fields === 'object' && !Array.isArray(fields) ? (fields[name] ?? undefined) : undefined
  }

  /** A field of `data` by its wire name, as sent. */
  get(key) {
    return this.data && typeof this.data === 'object' && !Array.isArray(this.data) ? this.data[key] : undefined
  }

  [inspect.custom](_depth, options) {
    return `${this.constructor.name} ${inspect(this._redacted, options)} via ${this.host}`
  }
}

/** One item of a list result: typed getters, and `raw`. */
class Item {
  constructor(raw, fields, redacted) {
    this.raw = raw
    hidden(this, '_fields', fields)
    hidden(this, '_redacted', redacted)
  }

  _field(name) {
    return this._fields?.[name] ?? undefined
  }

  [inspect.custom](_depth, options) {
    return `${this.constructor.name} ${inspect(this._redacted, options)}`
  }
}

/** A result whose data is a list: `items`, `length`, `at(i)`, and iteration. */
class ListResult extends Result {
  get items() {
    return this._list().map((_, i) => this._item(i))
  }

  get length() {
    return this._list().length
  }

  at(i) {
    const list = this._list()
    const j = i < 0 ? i + list.length : i
    return j >= 0 && j < list.length ? this._item(j) : undefined
  }

  [Symbol.iterator]() {
    return this.items[Symbol.iterator]()
  }

  _list() {
    return Array.isArray(this.data) ? this.data : []
  }

  _item(i) {
    return new this.constructor.itemClass(this.data[i], this._fields?.[i], this._redacted?.[i])
  }
}
ListResult.itemClass = Item

/** A property that JSON, spreading and key listing leave out. */
function hidden(obj, key, value) {
  Object.defineProperty(obj, key, { value, enumerable: false, writable: false, configurable: false })
}

/** A finished download: `bytes`, `contentType`, and `data` (a Buffer) when no `dest` was given. */
class DownloadResult {
  constructor(env, data) {
    this.requestId = env.requestId
    this.host = env.host
    this.httpStatus = env.httpStatus
    this.bytes = env.bytes
    this.contentType = env.contentType
    this.data = data ?? null
  }
}

/** What a value is, for messages: `NaN`, `a symbol`, `a function`, `null`, `a string`, … */
function describe(v) {
  if (typeof v === 'number') return String(v)
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  return `${/^[aeiou]/.test(typeof v) ? 'an' : 'a'} ${typeof v}`
}

/**
 * Why `v` cannot travel as JSON to the core, or null. JSON.stringify would silently turn NaN and
 * the infinities into null and drop symbols and functions (the core then saying "is required" or
 * ignoring a setting), throw an untyped error for a BigInt, and pass a lone surrogate that the core
 * cannot decode: each is reported here with the path of the value instead.
 */
function unfit(v, path) {
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? null : [path, `is ${v}; must be a finite number`]
    case 'string':
      if (v.isWellFormed()) return null
      for (let i = 0; i < v.length; i++) {
        const c = v.charCodeAt(i)
        const pair = c >= 0xd800 && c <= 0xdbff && (v.charCodeAt(i + 1) & 0xfc00) === 0xdc00
        if (pair) i++
        else if (c >= 0xd800 && c <= 0xdfff) {
          return [path, `contains a lone surrogate (U+${c.toString(16).toUpperCase()}) at index ${i}; text must be well-formed Unicode`]
        }
      }
      return null
    case 'bigint':
    case 'symbol':
    case 'function':
      return [path, `is ${describe(v)}, which JSON cannot carry`]
    case 'object': {
      if (v === null || typeof v.toJSON === 'function' || ArrayBuffer.isView(v)) return null
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          const bad = v[i] === undefined ? [`${path}[${i}]`, 'is undefined, which JSON cannot carry'] : unfit(v[i], `${path}[${i}]`)
          if (bad) return bad
        }
        return null
      }
      for (const [k, x] of Object.entries(v)) {
        const bad = x === undefined ? null : unfit(x, `${path}.${k}`)
        if (bad) return bad
      }
      return null
    }
    default:
      return null
  }
}

/** `{key: value}` as JSON text for the core, with `rename` applied to the keys; absent values (undefined, null) are left out. */
function jsonArgs(values, rename, fields) {
  const out = {}
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === null) continue
    const key = rename(k)
    const bad = unfit(v, key)
    if (bad) {
      const [param, why] = bad
      throw new InvalidArgumentError(`${param}: ${why}`, { ...fields, param })
    }
    out[key] = v
  }
  try {
    return JSON.stringify(out)
  } catch (e) {
    throw new InvalidArgumentError(`parameters must be JSON values (${e.message})`, fields)
  }
}

/** The parameters of `op`: an object (a plain one is what the generated methods document). */
function paramsOf(op, params) {
  if (typeof op !== 'string') {
    throw new InvalidArgumentError(`operation: must be a string naming a catalogue operation, got ${describe(op)}`, { param: 'operation' })
  }
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw new InvalidArgumentError(`${op}: parameters must be an object, got ${describe(params)}`, { operation: op })
  }
  return params
}

function toWire(op, params, names) {
  return jsonArgs(paramsOf(op, params), (k) => names[k] ?? k, { operation: op })
}

function abortError(signal) {
  return signal?.reason ?? new DOMException('This operation was aborted', 'AbortError')
}

/**
 * The calls in flight per AbortSignal. One 'abort' listener per signal cancels them all, so any
 * number of calls can share a signal without Node's MaxListenersExceeded warning; it is removed
 * when the signal's last call settles, so a long-lived signal holds nothing.
 */
const inFlight = new WeakMap()

function watch(signal, cancel) {
  let entry = inFlight.get(signal)
  if (!entry) {
    const cancels = new Set()
    const onAbort = () => {
      for (const c of cancels) c.cancel()
    }
    signal.addEventListener('abort', onAbort, { once: true })
    entry = { cancels, onAbort }
    inFlight.set(signal, entry)
  }
  entry.cancels.add(cancel)
  return () => {
    entry.cancels.delete(cancel)
    if (entry.cancels.size === 0 && inFlight.get(signal) === entry) {
      signal.removeEventListener('abort', entry.onAbort)
      inFlight.delete(signal)
    }
  }
}

/** Run a native call: resolves with the envelope's value, or rejects with a typed error. */
async function settle(start, signal) {
  if (signal?.aborted) throw abortError(signal)
  const cancel = signal ? new native.Cancel() : undefined
  const unwatch = signal ? watch(signal, cancel) : undefined
  try {
    const out = await rethrow(() => start(cancel))
    const [text, data] = Array.isArray(out) ? out : [out, undefined]
    const env = JSON.parse(text)
    if (env.cancelled) throw abortError(signal)
    if (!env.ok) throw fromNative(env.error)
    return [env, data]
  } finally {
    unwatch?.()
  }
}

/** Run a synchronous native function; its failure (a thrown envelope) becomes the typed error. */
function rethrow(fn) {
  try {
    return fn()
  } catch (e) {
    let env
    try {
      env = JSON.parse(e.message)
    } catch {
      throw e
    }
    if (env?.ok !== false || !env.error) throw e
    throw fromNative(env.error)
  }
}

class BaseClient {
  /** The configured hosts, primary first. */
  get hosts() {
    return this._native.hosts()
  }

  [inspect.custom]() {
    return `${this.constructor.name}<${this._native.describe()}>`
  }

  toString() {
    return `${this.constructor.name}<${this._native.describe()}>`
  }

  /** Call any catalogue operation by name with its parameters (snake_case), e.g. for generic code. */
  async call(operation, params = {}, options = {}) {
    return this._call(operation, params, {}, Result, options)
  }

  /**
   * Every page of a paged list operation by name, one call each (the typed `…Pages` methods are
   * the usual way): `for await (const page of client.pages(op, params))`.
   */
  pages(operation, params = {}, options = {}) {
    return this._pages(operation, params, {}, Result, options)
  }

  async *_pages(op, params, names, cls, options = {}) {
    let args = toWire(op, params, names)
    while (true) {
      const [env] = await settle((c) => this._native.call(op, args, c), options.signal)
      yield new cls(env)
      // the core decides whether there is a next page, and with which arguments
      const next = rethrow(() => this._native.nextPage(op, args, JSON.stringify(env.body)))
      if (next == null) return
      args = next
    }
  }

  async _call(op, params, names, cls, options = {}) {
    const args = toWire(op, params, names)
    const [env] = await settle((c) => this._native.call(op, args, c), options.signal)
    return new cls(env)
  }

  async _upload(op, params, names, cls, options = {}) {
    const { file, filename, ...rest } = paramsOf(op, params)
    const args = toWire(op, rest, names)
    if (filename != null && typeof filename !== 'string') {
      throw new InvalidArgumentError(`filename: must be a string, got ${describe(filename)}`, { operation: op, param: 'filename' })
    }
    let source
    if (typeof file === 'string') source = file
    else if (file instanceof URL) source = require('node:url').fileURLToPath(file)
    else if (file instanceof Uint8Array) source = Buffer.from(file.buffer, file.byteOffset, file.byteLength)
    else throw new InvalidArgumentError('file: must be a path or a Buffer', { operation: op, param: 'file' })
    const [env] = await settle((c) => this._native.upload(op, args, source, filename ?? null, c), options.signal)
    return new cls(env)
  }

  async _download(op, params, names, options = {}) {
    const { dest, ...rest } = paramsOf(op, params)
    const args = toWire(op, rest, names)
    if (dest !== undefined && typeof dest !== 'string') {
      throw new InvalidArgumentError('dest: must be a path', { operation: op, param: 'dest' })
    }
    const [env, data] = await settle(
      (c) => (dest === undefined ? this._native.downloadToBuffer(op, args, c) : this._native.downloadToPath(op, args, dest, c)),
      options.signal,
    )
    return new DownloadResult(env, data)
  }
}

module.exports = { BaseClient, Result, ListResult, Item, DownloadResult, native, rethrow, settle, jsonArgs, describe, unfit }
