'use strict'
// imcloud for Node: RongCloud and Easemob / Agora Chat server APIs from one Rust core.
const errors = require('./errors')
const { Result, ListResult, Item, DownloadResult, native, rethrow, jsonArgs, describe, unfit } = require('./base')
const generated = require('./generated')

const snake = (k) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

/** Settings in camelCase (as JS callers give them) to the core's snake_case map, which checks them. */
function config(settings) {
  if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) {
    throw new errors.InvalidArgumentError(`settings: must be an object, got ${describe(settings)}`, { param: 'settings' })
  }
  return jsonArgs(settings, snake, {})
}

/** `value` must be of JS type `type` (the core checks what it means). */
function expect(name, value, type, what) {
  if (typeof value !== type) throw new errors.InvalidArgumentError(`${name}: must be ${what}, got ${describe(value)}`, { param: name })
  return value
}

/** A map of names to strings as JSON text. */
function pairs(name, value) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new errors.InvalidArgumentError(`${name}: must map names to strings, got ${describe(value)}`, { param: name })
  }
  const bad = unfit(value, name)
  if (bad) throw new errors.InvalidArgumentError(`${bad[0]}: ${bad[1]}`, { param: bad[0] })
  return JSON.stringify(value)
}

/** A callback body: a string or a Buffer / Uint8Array (the bytes as received). */
function body(value) {
  if (typeof value === 'string' || Buffer.isBuffer(value)) return value
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength)
  throw new errors.InvalidArgumentError(`body: must be a string or a Buffer, got ${describe(value)}`, { param: 'body' })
}

/** The typed events of a callback body (core reads it; the generated classes type it). */
function parseEvents(nativeClient, classes, value, contentType) {
  if (contentType !== undefined && contentType !== null) expect('contentType', contentType, 'string', 'a string')
  const events = JSON.parse(rethrow(() => nativeClient.parseCallback(body(value), contentType ?? null)))
  return events.map((e) => new classes[e.kind](e.raw, e.fields, e.raw))
}

/** A client of class `cls` from the core's snake_case settings (the emulator's, for tests). */
function fromConfig(cls, NativeClient, cfg) {
  const c = Object.create(cls.prototype)
  c._native = rethrow(() => new NativeClient(jsonArgs(cfg, (k) => k, {})))
  return c
}

/** RongCloud Server API client. Every catalogue operation is a method returning a Promise. */
class RongCloud extends generated.RongCloudOperations {
  constructor(settings) {
    super()
    this._native = rethrow(() => new native.RongCloudClient(config(settings)))
  }

  static _fromConfig(cfg) {
    return fromConfig(RongCloud, native.RongCloudClient, cfg)
  }

  /**
   * Check a server callback's signature (query or headers) in constant time, within `window`
   * seconds; with `rejectReplays`, a callback this client already accepted within the window is
   * refused as a replay.
   */
  verifyCallback(callback = {}) {
    if (callback === null || typeof callback !== 'object') {
      throw new errors.InvalidArgumentError(`callback: must be an object with query, headers and window, got ${describe(callback)}`, { param: 'callback' })
    }
    const { query = {}, headers = {}, window = 300, rejectReplays = false } = callback
    const [q, h] = [pairs('query', query), pairs('headers', headers)]
    expect('window', window, 'number', 'a number of seconds')
    expect('rejectReplays', rejectReplays, 'boolean', 'a boolean')
    rethrow(() => this._native.verifyCallback(q, h, window, rejectReplays))
  }

  /**
   * Read a server callback's body (string or Buffer) into typed events (one per item of a JSON
   * array such as online status): instances of the generated `RongCloud…Event` classes, with
   * `kind`, typed getters and `raw`. Verify the signature first (`verifyCallback`).
   */
  parseCallback(body, contentType) {
    return parseEvents(this._native, generated.RongCloudEvents, body, contentType)
  }
}

/** Easemob / Agora Chat REST client. */
class Easemob extends generated.EasemobOperations {
  constructor(settings) {
    super()
    this._native = rethrow(() => new native.EasemobClient(config(settings)))
  }

  static _fromConfig(cfg) {
    return fromConfig(Easemob, native.EasemobClient, cfg)
  }

  /** The current app token (fetched or built if needed). Calls use it automatically. */
  async appToken() {
    const env = JSON.parse(await this._native.appToken())
    if (!env.ok) throw errors.fromNative(env.error)
    return env.token
  }

  /** How many times this client fetched or built an app token. */
  get tokenFetches() {
    return this._native.tokenFetches()
  }

  /** Agora Chat: a user token for the user's UUID (from `userGet`), valid `ttl` seconds (≤ 86400). */
  chatUserToken(userUuid, ttl = 3600) {
    expect('user_uuid', userUuid, 'string', 'a string')
    expect('ttl', ttl, 'number', 'a whole number of seconds')
    return rethrow(() => this._native.chatUserToken(userUuid, ttl))
  }

  /**
   * Read a server callback's JSON body (string or Buffer) into its typed event (a list of one):
   * pre-send, post-send message, user status, moderation. Verify it first (`verifyCallback`).
   */
  parseCallback(body, contentType) {
    return parseEvents(this._native, generated.EasemobEvents, body, contentType)
  }

  /**
   * Check a callback's `security` = md5(callId + secret + timestamp) in constant time, with its
   * timestamp within `window` seconds of now. `secret` is the callback rule's secret (the console
   * lists it with the rule), not the client secret.
   */
  verifyCallback(callbackBody, secret, window = 300) {
    expect('secret', secret, 'string', 'a string')
    expect('window', window, 'number', 'a number of seconds')
    rethrow(() => this._native.verifyCallback(body(callbackBody), secret, window))
  }
}

/** Agora Chat: an Easemob client authenticated with the App ID and App Certificate. */
class AgoraChat extends Easemob {
  constructor(settings) {
    config(settings)
    const { appId, appCertificate, ...rest } = settings
    super({ ...rest, agoraAppId: appId, agoraAppCertificate: appCertificate })
  }

  static _fromConfig(cfg) {
    return fromConfig(AgoraChat, native.EasemobClient, cfg)
  }
}

/** The endpoint catalogue of `"rongcloud"` or `"easemob"`. */
function catalogue(cloud) {
  expect('cloud', cloud, 'string', '"rongcloud" or "easemob"')
  return JSON.parse(rethrow(() => native.catalogue(cloud)))
}

module.exports = {
  RongCloud,
  Easemob,
  AgoraChat,
  Result,
  ListResult,
  Item,
  DownloadResult,
  catalogue,
  rongcloudSignature: (appSecret, nonce, timestamp) => {
    for (const [k, v] of Object.entries({ app_secret: appSecret, nonce, timestamp })) expect(k, v, 'string', 'a string')
    return rethrow(() => native.rongcloudSignature(appSecret, nonce, timestamp))
  },
  errors,
  ...errors,
  ...generated,
}
