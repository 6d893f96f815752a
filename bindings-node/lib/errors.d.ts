/** Base class of every imcloud error. Secrets never appear in it. */
export declare class ImcloudError extends Error {
  /** The stable code of the error kind, e.g. `"not_found"`. */
  readonly kind: string
  /** The short text of what went wrong, without context (`message` is the full one-line message with it). */
  readonly detail: string
  readonly operation: string | null
  /** The parameter at fault, for bad input refused before sending. */
  readonly param: string | null
  readonly httpStatus: number | null
  /** The cloud's own error code: RongCloud's numeric `code` as text (e.g. `"1002"`) or Easemob's `error` string. */
  readonly apiCode: string | null
  /** The X-Request-ID the call was sent with. */
  readonly requestId: string | null
  readonly host: string | null
  /** Whether sending the same call again later is safe and may succeed. */
  readonly retryable: boolean
  /** Seconds the server asked to wait. */
  readonly retryAfter: number | null
  static readonly kind: string
}
/** Bad input, refused before anything was sent (`param` names it), or refused by the server. */
export declare class InvalidArgumentError extends ImcloudError {}
export declare class ConfigError extends ImcloudError {}
export declare class AuthenticationError extends ImcloudError {}
export declare class PermissionDeniedError extends ImcloudError {}
export declare class NotFoundError extends ImcloudError {}
export declare class ConflictError extends ImcloudError {}
/** Too many requests (already retried with back-off); see `retryAfter`. */
export declare class RateLimitedError extends ImcloudError {}
export declare class QuotaExceededError extends ImcloudError {}
export declare class ApiError extends ImcloudError {}
export declare class ServerError extends ImcloudError {}
/** No host could be connected to; nothing was sent. */
export declare class ConnectError extends ImcloudError {}
/** A host took the request but did not answer in time; it may have been processed. */
export declare class TimeoutError extends ImcloudError {}
/** The connection broke after sending; the call may have been processed. */
export declare class NetworkError extends ImcloudError {}
export declare class DecodeError extends ImcloudError {}
/** A local file could not be read or written. */
export declare class IoError extends ImcloudError {}
/** @deprecated the former name of `IoError`. */
export declare const FileError: typeof IoError
/** A bug inside imcloud (a caught panic), reported instead of crashing the process; please report it. */
export declare class InternalError extends ImcloudError {}
export declare const ERROR_CLASSES: Record<string, typeof ImcloudError>
