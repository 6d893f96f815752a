'use strict'
// The hand-written half of the clients: results, files, and the Promise plumbing.
// The operations themselves are generated from the catalogue (generated.js).
const { inspect } = require('node:util')
const native = require('../native.js')
const { InvalidArgumentError, fromNative } = require('./errors')

function redact(value, secrets) {
  if (!secrets.length) return value
  if (Array.isArray(value)) return value.map((v) => redact(v, secrets))
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, secrets.includes(k) ? '***' : redact(v, secrets)]))
  }
  return value
}

/** The answer of a call: typed getters for the declared fields, plus `data`, `raw`, `requestId`, `host`, `httpStatus`. */
class Result {
  constructor(env) {
    this.data = env.result
    this.raw = env.body
    this.requestId = env.requestId
    this.host = env.host
    this.httpStatus = env.httpStatus
  }

  _get(key) {
    return this.data && typeof this.data === 'object' && !Array.isArray(this.data) ? this.data[key] : undefined
  }

  get(key) {
    return this._get(key)
  }

  [inspect.custom](_depth, options) {
    return `${this.constructor.name} ${inspect(redact(this.data, this.constructor.secretFields), options)} via ${this.host}`
  }
}
Result.secretFields = []

/** One item of a list result: typed getters, and `raw`. */
class Item {
  constructor(raw) {
    this.raw = raw
  }

  _get(key) {
    return this.raw && typeof this.raw === 'object' ? this.raw[key] : undefined
  }

  [inspect.custom](_depth, options) {
    return `${this.constructor.name} ${inspect(redact(this.raw, this.constructor.secretFields), options)}`
  }
}
Item.secretFields = []

/** A result whose data is a list: `items`, `length`, `at(i)`, and iteration. */
class ListResult extends Result {
  get items() {
    return (this.data ?? []).map((x) => new this.constructor.itemClass(x))
  }

  get length() {
    return (this.data ?? []).length
  }

  at(i) {
    const x = (this.data ?? []).at(i)
    return x === undefined ? undefined : new this.constructor.itemClass(x)
  }

  [Symbol.iterator]() {
    return this.items[Symbol.iterator]()
  }
}
ListResult.itemClass = Item

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

function toWire(op, params, names) {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw new InvalidArgumentError(`${op}: parameters must be an object`, { operation: op })
  }
  const out = {}
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null) out[names[k] ?? k] = v
  }
  try {
    return JSON.stringify(out)
  } catch (e) {
    throw new InvalidArgumentError(`${op}: parameters must be JSON values (${e.message})`, { operation: op })
  }
}

function abortError(signal) {
  return signal?.reason ?? new DOMException('This operation was aborted', 'AbortError')
}

/** Run a native call: resolves with the envelope's value, or rejects with a typed error. */
async function settle(start, signal) {
  if (signal?.aborted) throw abortError(signal)
  const cancel = signal ? new native.Cancel() : undefined
  const onAbort = () => cancel.cancel()
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    const out = await start(cancel)
    const [text, data] = Array.isArray(out) ? out : [out, undefined]
    const env = JSON.parse(text)
    if (env.cancelled) throw abortError(signal)
    if (!env.ok) throw fromNative(env.error)
    return [env, data]
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
}

/** Turn a synchronous native failure (bad settings) into a typed error. */
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

  async _call(op, params, names, cls, options = {}) {
    const args = toWire(op, params, names)
    const [env] = await settle((c) => this._native.call(op, args, c), options.signal)
    return new cls(env)
  }

  async _upload(op, params, names, cls, options = {}) {
    const { file, filename, ...rest } = params ?? {}
    const args = toWire(op, rest, names)
    let source
    if (typeof file === 'string') source = file
    else if (file instanceof URL) source = require('node:url').fileURLToPath(file)
    else if (file instanceof Uint8Array) source = Buffer.from(file.buffer, file.byteOffset, file.byteLength)
    else throw new InvalidArgumentError('file: must be a path or a Buffer', { operation: op, param: 'file' })
    const [env] = await settle((c) => this._native.upload(op, args, source, filename ?? null, c), options.signal)
    return new cls(env)
  }

  async _download(op, params, names, options = {}) {
    const { dest, ...rest } = params ?? {}
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

module.exports = { BaseClient, Result, ListResult, Item, DownloadResult, native, rethrow, settle }
