package imcloud

import imcloud.ffi.FfiException

/**
 * Base class of every imcloud error; one subclass per error kind of the core, named by the core's
 * one rule: the kind's code in UpperCamelCase plus `Exception` (`timeout` → [TimeoutException],
 * `io` → [IoException]). Secrets never appear in it. Unchecked (a [RuntimeException]), so Java
 * code catches the typed classes anywhere (futures' causes, page iterators) without `throws` clauses.
 */
public open class ImcloudException internal constructor(
    /** The stable code of the error kind, e.g. `"not_found"`. */
    public val kind: String,
    /** The short text of what went wrong, without context ([message] is the full one-line message with it). */
    public val detail: String,
    public val operation: String?,
    /** The parameter at fault, for bad input refused before sending. */
    public val param: String?,
    public val httpStatus: Int?,
    /** The cloud's own error code: RongCloud's numeric `code` as text (e.g. `"1002"`) or Easemob's `error` string. */
    public val apiCode: String?,
    /** The X-Request-ID the call was sent with. */
    public val requestId: String?,
    public val host: String?,
    /** Whether sending the same call again later is safe and may succeed. */
    public val retryable: Boolean,
    /** Seconds the server asked to wait. */
    public val retryAfter: Double?,
    message: String,
) : RuntimeException(message)

private typealias Failed = FfiException.Failed

public class InvalidArgumentException internal constructor(f: Failed) : ImcloudException(f.kind, f.detail, f.operation, f.param, f.httpStatus?.toInt(), f.apiCode, f.requestId, f.host, f.retryable, f.retryAfterSecs, f.display)
public class ConfigException internal constructor(f: Failed) : ImcloudException(f.kind, f.detail, f.operation, f.param, f.httpStatus?.toInt(), f.apiCode, f.requestId, f.host, f.retryable, f.retryAfterSecs, f.display)
public class AuthenticationException internal constructor(f: Failed) : ImcloudException(f.kind, f.detail, f.operation, f.param, f.httpStatus?.toInt(), f.apiCode, f.requestId, f.host, f.retryable, f.retryAfterSecs, f.display)
public class PermissionDeniedException internal constructor(f: Failed) : ImcloudException(f.kind, f.detail, f.operation, f.param, f.httpStatus?.toInt(), f.apiCode, f.requestId, f.host, f.retryable, f.retryAfterSecs, f.display)
public class NotFoundException internal constructor(f: Failed) : ImcloudException(f.kind, f.detail, f.operation, f.param, f.httpStatus?.toInt(), f.apiCode, f.requestId, f.host, f.retryable, f.retryAfterSecs, f.display)
public class ConflictException internal constructor(f: Failed) : ImcloudException(f.kind, f.detail, f.operation, f.param, f.httpStatus?.toInt(), f.apiCode, f.requestId, f.host, f.retryable, f.retryAfterSecs, f.display)
public class RateLimitedException internal constructor(f: Failed) : ImcloudException(f.kind, f.detail, f.operation, f.param, f.httpStatus?.toInt(), f.apiCode, f.requestId, f.host, f.retryable, f.retryAfterSecs, f.display)
public class QuotaExceededException internal constructor(f: Failed) : ImcloudException(f.kind, f.detail, f.operation, f.param, f.httpStatus?.toInt(), f.apiCode, f.requestId, f.host, f.retryable, f.retryAfterSecs, f.display)
public class ApiException internal constructor(f: Failed) : ImcloudException(f.kind, f.detail, f.operation, f.param, f.httpStatus?.toInt(), f.apiCode, f.requestId, f.host, f.retryable, f.retryAfterSecs, f.display)
public class ServerException internal constructor(f: Failed) : ImcloudException(f.kind, f.detail, f.operation, f.param, f.httpStatus?.toInt(), f.apiCode, f.requestId, f.host, f.retryable, f.retryAfterSecs, f.display)
public class ConnectException internal constructor(f: Failed) : ImcloudException(f.kind, f.detail, f.operation, f.param, f.httpStatus?.toInt(), f.apiCode, f.requestId, f.host, f.retryable, f.retryAfterSecs, f.display)
public class TimeoutException internal constructor(f: Failed) : ImcloudException(f.kind, f.detail, f.operation, f.param, f.httpStatus?.toInt(), f.apiCode, f.requestId, f.host, f.retryable, f.retryAfterSecs, f.display)
public class NetworkException internal constructor(f: Failed) : ImcloudException(f.kind, f.detail, f.operation, f.param, f.httpStatus?.toInt(), f.apiCode, f.requestId, f.host, f.retryable, f.retryAfterSecs, f.display)
public class DecodeException internal constructor(f: Failed) : ImcloudException(f.kind, f.detail, f.operation, f.param, f.httpStatus?.toInt(), f.apiCode, f.requestId, f.host, f.retryable, f.retryAfterSecs, f.display)
public class IoException internal constructor(f: Failed) : ImcloudException(f.kind, f.detail, f.operation, f.param, f.httpStatus?.toInt(), f.apiCode, f.requestId, f.host, f.retryable, f.retryAfterSecs, f.display)
/** A bug inside imcloud (a caught panic), reported instead of crashing the process; please report it. */
public class InternalException internal constructor(f: Failed) : ImcloudException(f.kind, f.detail, f.operation, f.param, f.httpStatus?.toInt(), f.apiCode, f.requestId, f.host, f.retryable, f.retryAfterSecs, f.display)

/** The former name of [IoException]. */
@Deprecated("renamed to IoException, the name the kind `io` has in every language", ReplaceWith("IoException"))
public typealias FileException = IoException

/** The exception class of each error kind. */
public val ERROR_KINDS: Map<String, String> = mapOf(
    "invalid_argument" to "InvalidArgumentException",
    "config" to "ConfigException",
    "authentication" to "AuthenticationException",
    "permission_denied" to "PermissionDeniedException",
    "not_found" to "NotFoundException",
    "conflict" to "ConflictException",
    "rate_limited" to "RateLimitedException",
    "quota_exceeded" to "QuotaExceededException",
    "api" to "ApiException",
    "server" to "ServerException",
    "connect" to "ConnectException",
    "timeout" to "TimeoutException",
    "network" to "NetworkException",
    "decode" to "DecodeException",
    "io" to "IoException",
    "internal" to "InternalException",
)

/** The typed exception of a native error, by the record's class name (`Timeout` → [TimeoutException]). */
internal fun typed(e: FfiException): ImcloudException = when (e) {
    is FfiException.Failed -> when (e.className) {
        "InvalidArgument" -> InvalidArgumentException(e)
        "Config" -> ConfigException(e)
        "Authentication" -> AuthenticationException(e)
        "PermissionDenied" -> PermissionDeniedException(e)
        "NotFound" -> NotFoundException(e)
        "Conflict" -> ConflictException(e)
        "RateLimited" -> RateLimitedException(e)
        "QuotaExceeded" -> QuotaExceededException(e)
        "Server" -> ServerException(e)
        "Connect" -> ConnectException(e)
        "Timeout" -> TimeoutException(e)
        "Network" -> NetworkException(e)
        "Decode" -> DecodeException(e)
        "Io" -> IoException(e)
        "Internal" -> InternalException(e)
        else -> ApiException(e)
    }
}

/** Bad input for [param] found while converting it (before the core sees it), shaped as the core's. */
internal fun invalidArgument(param: String, message: String): InvalidArgumentException =
    InvalidArgumentException(Failed("invalid_argument", "InvalidArgument", "$param: $message", "$param: $message", null, param, null, null, null, null, false, null))

/** Run a native call, turning its error into the typed exception. */
internal inline fun <T> native(block: () -> T): T = try {
    block()
} catch (e: FfiException) {
    throw typed(e)
}
