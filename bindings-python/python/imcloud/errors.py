"""Exceptions raised by imcloud: one base class, one subclass per error kind.

Every exception carries ``kind`` (the stable code), ``operation``, ``param``, ``http_status``,
``code`` (RongCloud's numeric code as text, or Easemob's ``error`` string), ``request_id``,
``host``, ``retryable`` and ``retry_after`` (seconds). Secrets never appear in them.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple, Type


class ImcloudError(Exception):
    """Base class of every imcloud error."""

    kind: str = "api"

    def __init__(
        self,
        message: str,
        *,
        operation: Optional[str] = None,
        param: Optional[str] = None,
        http_status: Optional[int] = None,
        code: Optional[str] = None,
        request_id: Optional[str] = None,
        host: Optional[str] = None,
        retryable: bool = False,
        retry_after: Optional[float] = None,
        display: Optional[str] = None,
    ) -> None:
        super().__init__(display if display is not None else message)
        self.message = message
        self.operation = operation
        self.param = param
        self.http_status = http_status
        self.code = code
        self.request_id = request_id
        self.host = host
        self.retryable = retryable
        self.retry_after = retry_after

    def __reduce__(self) -> Tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, self._fields(), str(self)))

    def _fields(self) -> Dict[str, Any]:
        return {
            "operation": self.operation,
            "param": self.param,
            "http_status": self.http_status,
            "code": self.code,
            "request_id": self.request_id,
            "host": self.host,
            "retryable": self.retryable,
            "retry_after": self.retry_after,
        }

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self._fields().items() if v is not None and v is not False)
        return f"{type(self).__name__}({self.message!r}{', ' if fields else ''}{fields})"


def _rebuild(cls: Type[ImcloudError], message: str, fields: Dict[str, Any], display: str) -> ImcloudError:
    return cls(message, display=display, **fields)


class InvalidArgumentError(ImcloudError, ValueError):
    """Bad input, refused before anything was sent (``param`` names it), or refused by the server."""

    kind = "invalid_argument"


class ConfigError(ImcloudError, ValueError):
    """The client's settings are unusable."""

    kind = "config"


class AuthenticationError(ImcloudError):
    """Credentials, signature or token were rejected."""

    kind = "authentication"


class PermissionDeniedError(ImcloudError):
    """Authenticated but not allowed."""

    kind = "permission_denied"


class NotFoundError(ImcloudError):
    """The user, group, file … does not exist."""

    kind = "not_found"


class ConflictError(ImcloudError):
    """It already exists, or a concurrent change conflicted."""

    kind = "conflict"


class RateLimitedError(ImcloudError):
    """Too many requests (already retried with back-off); see ``retry_after``."""

    kind = "rate_limited"


class QuotaExceededError(ImcloudError):
    """A quota of the plan is exhausted; waiting does not help."""

    kind = "quota_exceeded"


class ApiError(ImcloudError):
    """The server refused the call for another API reason."""

    kind = "api"


class ServerError(ImcloudError):
    """The server failed (5xx or an internal-error code)."""

    kind = "server"


class ConnectError(ImcloudError, ConnectionError):
    """No host could be connected to; nothing was sent."""

    kind = "connect"


class RequestTimeoutError(ImcloudError, TimeoutError):
    """A host took the request but did not answer in time; it may have been processed."""

    kind = "timeout"


class NetworkError(ImcloudError, ConnectionError):
    """The connection broke after sending; the call may have been processed."""

    kind = "network"


class DecodeError(ImcloudError):
    """The answer could not be understood."""

    kind = "decode"


class FileError(ImcloudError, OSError):
    """A local file or stream could not be read or written."""

    kind = "io"


class InternalError(ImcloudError):
    """A bug in imcloud itself (a caught panic of the native core). The process is unharmed and
    later calls work; please report the message."""

    kind = "internal"


ERROR_CLASSES: Dict[str, Type[ImcloudError]] = {
    c.kind: c
    for c in (
        InvalidArgumentError,
        ConfigError,
        AuthenticationError,
        PermissionDeniedError,
        NotFoundError,
        ConflictError,
        RateLimitedError,
        QuotaExceededError,
        ApiError,
        ServerError,
        ConnectError,
        RequestTimeoutError,
        NetworkError,
        DecodeError,
        FileError,
        InternalError,
    )
}


def _from_native(
    kind: str,
    message: str,
    operation: Optional[str],
    param: Optional[str],
    http_status: Optional[int],
    code: Optional[str],
    request_id: Optional[str],
    host: Optional[str],
    retryable: bool,
    retry_after: Optional[float],
    display: str,
) -> ImcloudError:
    """Called by the native module to build the exception for a core error."""
    cls = ERROR_CLASSES.get(kind, ApiError)
    return cls(
        message,
        operation=operation,
        param=param,
        http_status=http_status,
        code=code,
        request_id=request_id,
        host=host,
        retryable=retryable,
        retry_after=retry_after,
        display=display,
    )
