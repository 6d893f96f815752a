'use strict'
// Errors thrown by imcloud: one base class, one subclass per error kind of the core, named by the
// core's one rule: the kind's code in UpperCamelCase plus `Error` (`timeout` -> `TimeoutError`).
// `message` is the full one-line message with its context, `detail` the short text without it, and
// `apiCode` the cloud's own code (RongCloud's `code` as text, Easemob's `error`).

class ImcloudError extends Error {
  constructor(detail, fields = {}) {
    super(fields.message ?? detail)
    this.name = new.target.name
    this.kind = new.target.kind
    this.detail = detail
    this.operation = fields.operation ?? null
    this.param = fields.param ?? null
    this.httpStatus = fields.httpStatus ?? null
    this.apiCode = fields.apiCode ?? null
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
  IoError: 'io',
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

/** The typed error for the native envelope's `error` (the core's error record): class `${className}Error`. */
function fromNative(e) {
  const cls = classes[`${e.className}Error`] ?? byKind[e.kind] ?? classes.ApiError
  return new cls(e.detail, e)
}

/** @deprecated the former name of `IoError`. */
const FileError = classes.IoError

module.exports = { ImcloudError, ...classes, FileError, ERROR_CLASSES: byKind, fromNative }
