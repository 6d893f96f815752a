'use strict'
// A local emulator of both server APIs, for your tests.
const { native, rethrow } = require('./base')
const { RongCloud, Easemob, AgoraChat } = require('./index')

const NO_EMULATOR =
  'this build of imcloud has no emulator; build with the `testing` feature (napi build --features testing)'

class Emulator {
  /**
   * Start it: `hosts` hosts (ports) serving the APIs, host 0 being the primary; on `bind`
   * (default 127.0.0.1), on `ports` and `adminPort` (default: free ports).
   */
  constructor({ hosts = 2, rongcloud, easemob, ports, bind, adminPort } = {}) {
    const cfg = { hosts }
    if (rongcloud) cfg.rongcloud = rongcloud.map(({ appKey, appSecret }) => ({ app_key: appKey, app_secret: appSecret }))
    if (easemob) {
      cfg.easemob = easemob.map((a) => ({
        app_key: a.appKey,
        client_id: a.clientId,
        client_secret: a.clientSecret,
        agora_app_id: a.agoraAppId ?? null,
        agora_app_certificate: a.agoraAppCertificate ?? null,
        token_ttl: a.tokenTtl ?? 7200,
      }))
    }
    if (ports) cfg.ports = ports
    if (bind !== undefined) cfg.bind = bind
    if (adminPort !== undefined) cfg.admin_port = adminPort
    if (!native.EmulatorHandle) throw new Error(NO_EMULATOR)
    this._h = typed(rethrow(() => new native.EmulatorHandle(JSON.stringify(cfg))))
  }

  get hosts() {
    return this._h.hosts()
  }

  get adminUrl() {
    return this._h.adminUrl()
  }

  /** Inject a fault on `host`: refuse, hang, status, rate_limit, quota_exceeded, delay, reset, truncate, garbage. */
  setFault(host, kind, { times, status, retryAfter, ms, pathContains } = {}) {
    const f = { kind, times, status, retry_after: retryAfter, ms, path_contains: pathContains }
    this._h.setFault(host, JSON.stringify(Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined))))
  }

  clearFaults(host) {
    this._h.clearFaults(host ?? null)
  }

  /** What `host` received: method, path, query, operation, request_id, headers, body. */
  requests(host) {
    return JSON.parse(this._h.requests(host))
  }

  requestCount(host, operation) {
    return this.requests(host).filter((r) => operation === undefined || r.operation === operation).length
  }

  clearRequests() {
    this._h.clearRequests()
  }

  setOnline(user, online = true) {
    this._h.setOnline(user, online)
  }

  sentMessages() {
    return JSON.parse(this._h.sentMessages())
  }

  revokeTokens() {
    this._h.revokeTokens()
  }

  /** Settings of a client wired to this emulator: `rongcloud`, `easemob` or `agora` (snake_case). */
  clientConfig(kind) {
    return JSON.parse(this._h.clientConfig(kind))
  }

  rongcloud(options = {}) {
    return RongCloud._fromConfig({ ...this.clientConfig('rongcloud'), ...snakeKeys(options) })
  }

  easemob(options = {}) {
    return Easemob._fromConfig({ ...this.clientConfig('easemob'), ...snakeKeys(options) })
  }

  agora(options = {}) {
    return AgoraChat._fromConfig({ ...this.clientConfig('agora'), ...snakeKeys(options) })
  }

  stop() {
    this._h.stop()
  }

  [Symbol.dispose]() {
    this.stop()
  }
}

/** The native handle, whose failures (thrown envelopes) become typed errors. */
function typed(handle) {
  return new Proxy(handle, {
    get(target, key) {
      const v = target[key]
      return typeof v === 'function' ? (...args) => rethrow(() => v.apply(target, args)) : v
    },
  })
}

function snakeKeys(o) {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]))
}

module.exports = { Emulator }
