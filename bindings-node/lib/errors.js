'use strict'
// Errors thrown by imcloud: one base class, one subclass per error kind of the core.

class ImcloudError extends Error {
  constructor(message, fields = {}) {
    super(fields.display ?? message)
    this.name = new.target.name
    this.kind = new.target.kind
    this.detail = message
    this.operation = fields.operation ?? null
    this.param = fields.param ?? null
    this.httpStatus = fields.httpStatus ?? null
    this.code = fields.code ?? null
    this.requestId = fields.requestId ?? null
    this.host = fields.host ?? null
    this.retryable = fields.retryable ?? false
    this.retryAfter = fields.retryAfter ?? null
  }
}
ImcloudError.kind = 'api'

const kinds = {
  InvalidArgumentError: 'invalid_argument',
  ConfigError: 'config',
  AuthenticationError: 'authentication',
  PermissionDeniedError: 'permission_denied',
  NotFoundError: 'not_found',
  ConflictError: 'conflict',
  RateLimitedError: 'rate_limited',
  QuotaExceededError: 'quota_exceeded',
  ApiError: 'api',
  ServerError: 'server',
  ConnectError: 'connect',
  TimeoutError: 'timeout',
  NetworkError: 'network',
  DecodeError: 'decode',
  FileError: 'io',
  InternalError: 'internal',
}

const classes = {}
const byKind = {}
for (const [name, kind] of Object.entries(kinds)) {
  // a named subclass per kind, so `instanceof` and `err.name` both work
  const cls = { [name]: class extends ImcloudError {} }[name]
  cls.kind = kind
  classes[name] = cls
  byKind[kind] = cls
}

/** The typed error for the native envelope's `error`. */
function fromNative(e) {
  const cls = byKind[e.kind] ?? classes.ApiError
  return new cls(e.message, e)
}

module.exports = { ImcloudError, ...classes, ERROR_CLASSES: byKind, fromNative }
