'use strict'
// imcloud for Node: RongCloud and Easemob / Agora Chat server APIs from one Rust core.
const errors = require('./errors')
const { Result, ListResult, Item, DownloadResult, native, rethrow } = require('./base')
const generated = require('./generated')

const snake = (k) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

/** Settings in camelCase (as JS callers give them) to the core's snake_case map. */
function config(settings) {
  if (settings === null || typeof settings !== 'object') {
    throw new errors.InvalidArgumentError('settings must be an object', {})
  }
  const out = {}
  for (const [k, v] of Object.entries(settings)) {
    if (v !== undefined && v !== null) out[snake(k)] = v
  }
  return JSON.stringify(out)
}

/** A client of class `cls` from the core's snake_case settings (the emulator's, for tests). */
function fromConfig(cls, NativeClient, cfg) {
  const c = Object.create(cls.prototype)
  c._native = rethrow(() => new NativeClient(JSON.stringify(cfg)))
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

  /** Check a server callback's signature (query or headers) in constant time, within `window` seconds. */
  verifyCallback({ query = {}, headers = {}, window = 300 } = {}) {
    rethrow(() => this._native.verifyCallback(JSON.stringify(query), JSON.stringify(headers), window))
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
    return rethrow(() => this._native.chatUserToken(userUuid, ttl))
  }
}

/** Agora Chat: an Easemob client authenticated with the App ID and App Certificate. */
class AgoraChat extends Easemob {
  constructor({ appId, appCertificate, ...settings }) {
    super({ ...settings, agoraAppId: appId, agoraAppCertificate: appCertificate })
  }

  static _fromConfig(cfg) {
    return fromConfig(AgoraChat, native.EasemobClient, cfg)
  }
}

/** The endpoint catalogue of `"rongcloud"` or `"easemob"`. */
function catalogue(cloud) {
  return JSON.parse(native.catalogue(cloud))
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
  rongcloudSignature: native.rongcloudSignature,
  errors,
  ...errors,
  ...generated,
}
