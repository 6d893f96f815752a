"""Exceptions raised by imcloud: one base class, one subclass per error kind.

The class of a kind is named by one rule, shared with every language: the kind's code in
UpperCamelCase plus ``Error`` (``timeout`` → ``TimeoutError``, ``io`` → ``IoError``).

Every exception carries ``kind`` (the stable code), ``message`` (``str(e)``: the full one-line
message with its context), ``detail`` (the short text of what went wrong, without context),
``operation``, ``param``, ``http_status``, ``api_code`` (the cloud's own code: RongCloud's numeric
``code`` as text, or Easemob's ``error`` string), ``request_id``, ``host``, ``retryable`` and
``retry_after`` (seconds). Secrets never appear in them.
"""

from __future__ import annotations

import builtins
from typing import Any, Dict, Optional, Tuple, Type


class ImcloudError(Exception):
    """Base class of every imcloud error."""

    kind: str = "api"

    def __init__(
        self,
        detail: str,
        *,
        operation: Optional[str] = None,
        param: Optional[str] = None,
        http_status: Optional[int] = None,
        api_code: Optional[str] = None,
        request_id: Optional[str] = None,
        host: Optional[str] = None,
        retryable: bool = False,
        retry_after: Optional[float] = None,
        message: Optional[str] = None,
    ) -> None:
        super().__init__(message if message is not None else detail)
        self.detail = detail
        self.operation = operation
        self.param = param
        self.http_status = http_status
        self.api_code = api_code
        self.request_id = request_id
        self.host = host
        self.retryable = retryable
        self.retry_after = retry_after

    @property
    def message(self) -> str:
        """The full one-line message with its context: ``str(e)``."""
        return str(self)

    def __reduce__(self) -> Tuple[Any, ...]:
        return (_rebuild, (type(self), self.detail, self._fields(), str(self)))

    def _fields(self) -> Dict[str, Any]:
        return {
            "operation": self.operation,
            "param": self.param,
            "http_status": self.http_status,
            "api_code": self.api_code,
            "request_id": self.request_id,
            "host": self.host,
            "retryable": self.retryable,
            "retry_after": self.retry_after,
        }

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self._fields().items() if v is not None and v is not False)
        return f"{type(self).__name__}({self.detail!r}{', ' if fields else ''}{fields})"


def _rebuild(cls: Type[ImcloudError], detail: str, fields: Dict[str, Any], message: str) -> ImcloudError:
    return cls(detail, message=message, **fields)


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


class TimeoutError(ImcloudError, builtins.TimeoutError):
    """A host took the request but did not answer in time; it may have been processed."""

    kind = "timeout"


class NetworkError(ImcloudError, ConnectionError):
    """The connection broke after sending; the call may have been processed."""

    kind = "network"


class DecodeError(ImcloudError):
    """The answer could not be understood."""

    kind = "decode"


class IoError(ImcloudError, OSError):
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
        TimeoutError,
        NetworkError,
        DecodeError,
        IoError,
        InternalError,
    )
}


_CLASSES_BY_NAME: Dict[str, Type[ImcloudError]] = {c.__name__: c for c in ERROR_CLASSES.values()}

#: Former names, kept for compatibility: use :class:`TimeoutError` and :class:`IoError`.
RequestTimeoutError = TimeoutError
FileError = IoError


def _from_native(
    *,
    kind: str,
    class_name: str,
    message: str,
    detail: str,
    operation: Optional[str],
    param: Optional[str],
    http_status: Optional[int],
    api_code: Optional[str],
    request_id: Optional[str],
    host: Optional[str],
    retryable: bool,
    retry_after: Optional[float],
) -> ImcloudError:
    """Called by the native module with the core's error record to build the exception: the
    class is the record's ``class_name`` plus ``Error`` (the core's one naming rule)."""
    cls = _CLASSES_BY_NAME.get(f"{class_name}Error") or ERROR_CLASSES.get(kind, ApiError)
    return cls(
        detail,
        operation=operation,
        param=param,
        http_status=http_status,
        api_code=api_code,
        request_id=request_id,
        host=host,
        retryable=retryable,
        retry_after=retry_after,
        message=message,
    )
