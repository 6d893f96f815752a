"""imcloud — RongCloud and Easemob / Agora Chat server APIs, from one Rust core.

>>> from imcloud import RongCloud
>>> rc = RongCloud("app-key", "app-secret", region="singapore")          # doctest: +SKIP
>>> rc.user_register(user_id="u1", name="Ann").token                      # doctest: +SKIP

Every operation of the catalogue is a method (sync on ``RongCloud`` / ``Easemob`` /
``AgoraChat``, awaitable on their ``Async`` twins). Errors are :mod:`imcloud.errors`.
For tests, :mod:`imcloud.testing` runs a local emulator of both APIs.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Optional, Sequence

from . import _native, errors
from ._base import DownloadResult, FileDest, FileInput, Item, ListResult, Result, _config
from ._generated import AsyncEasemobOperations, AsyncRongCloudOperations, EasemobOperations, RongCloudOperations
from .errors import ImcloudError

__version__: str = _native.__version__

__all__ = [
    "RongCloud",
    "AsyncRongCloud",
    "Easemob",
    "AsyncEasemob",
    "AgoraChat",
    "AsyncAgoraChat",
    "Result",
    "ListResult",
    "Item",
    "DownloadResult",
    "FileInput",
    "FileDest",
    "ImcloudError",
    "errors",
    "catalogue",
    "rongcloud_signature",
]


def catalogue(cloud: str) -> Dict[str, Any]:
    """The endpoint catalogue of ``"rongcloud"`` or ``"easemob"``: every operation, its parameters and limits."""
    result: Dict[str, Any] = json.loads(_native.catalogue(cloud))
    return result


def rongcloud_signature(app_secret: str, nonce: str, timestamp: str) -> str:
    """``hex(sha1(app_secret + nonce + timestamp))``, as RongCloud signs requests and callbacks."""
    return str(_native.rongcloud_signature(app_secret, nonce, timestamp))


class _RongCloudBase:
    _native: Any

    def __init__(
        self,
        app_key: str,
        app_secret: str,
        *,
        region: Optional[str] = None,
        hosts: Optional[Sequence[str]] = None,
        connect_timeout: Optional[float] = None,
        request_timeout: Optional[float] = None,
        transfer_timeout: Optional[float] = None,
        max_attempts: Optional[int] = None,
        rate_limit_retries: Optional[int] = None,
        backoff_base: Optional[float] = None,
        backoff_max: Optional[float] = None,
        max_retry_after: Optional[float] = None,
        host_cooldown: Optional[float] = None,
        host_max_cooldown: Optional[float] = None,
        pool_idle_timeout: Optional[float] = None,
        pool_max_idle_per_host: Optional[int] = None,
        allow_insecure_http: Optional[bool] = None,
        user_agent: Optional[str] = None,
    ) -> None:
        """A RongCloud client for a data centre (``region``: beijing, singapore, singapore_b,
        north_america, saudi_arabia) or your own ``hosts`` (base URLs, primary first).
        Durations are seconds. ``allow_insecure_http`` is for the emulator only."""
        options = dict(locals())
        for k in ("self", "app_key", "app_secret", "region", "hosts", "__class__"):
            options.pop(k, None)
        self._native = _native.RongCloudClient(_config({"app_key": app_key, "app_secret": app_secret}, region, hosts, options))

    @classmethod
    def _from_config(cls, config: Dict[str, Any]) -> Any:
        self = cls.__new__(cls)
        self._native = _native.RongCloudClient(json.dumps(config))
        return self

    def verify_callback(
        self,
        query: Optional[Dict[str, str]] = None,
        headers: Optional[Dict[str, str]] = None,
        window: float = 300.0,
    ) -> None:
        """Check a server callback's signature (from its query parameters or headers) against
        this app's secret, in constant time, within ``window`` seconds of now. Raises
        :class:`imcloud.errors.AuthenticationError` if it does not verify."""
        self._native.verify_callback(list((query or {}).items()), list((headers or {}).items()), window)


class RongCloud(_RongCloudBase, RongCloudOperations):
    """RongCloud Server API client (blocking; thread-safe; the GIL is released while waiting)."""


class AsyncRongCloud(_RongCloudBase, AsyncRongCloudOperations):
    """RongCloud Server API client for asyncio."""


class _EasemobBase:
    _native: Any
    _auth_keys: Sequence[str] = ("client_id", "client_secret")

    def __init__(
        self,
        app_key: str,
        *,
        client_id: Optional[str] = None,
        client_secret: Optional[str] = None,
        agora_app_id: Optional[str] = None,
        agora_app_certificate: Optional[str] = None,
        region: Optional[str] = None,
        hosts: Optional[Sequence[str]] = None,
        token_ttl: Optional[int] = None,
        connect_timeout: Optional[float] = None,
        request_timeout: Optional[float] = None,
        transfer_timeout: Optional[float] = None,
        max_attempts: Optional[int] = None,
        rate_limit_retries: Optional[int] = None,
        backoff_base: Optional[float] = None,
        backoff_max: Optional[float] = None,
        max_retry_after: Optional[float] = None,
        host_cooldown: Optional[float] = None,
        host_max_cooldown: Optional[float] = None,
        pool_idle_timeout: Optional[float] = None,
        pool_max_idle_per_host: Optional[int] = None,
        allow_insecure_http: Optional[bool] = None,
        user_agent: Optional[str] = None,
    ) -> None:
        """An Easemob / Agora Chat client. ``app_key`` is ``org_name#app_name``. Authenticate with
        ``client_id`` + ``client_secret`` (Easemob app tokens, fetched and refreshed for you) or
        ``agora_app_id`` + ``agora_app_certificate`` (Agora Chat app tokens built locally).
        ``region``: china1, china2, singapore1, singapore2, us_east1, germany2; or ``hosts``."""
        options = dict(locals())
        for k in ("self", "app_key", "region", "hosts", "__class__"):
            options.pop(k, None)
        self._native = _native.EasemobClient(_config({"app_key": app_key}, region, hosts, options))

    @classmethod
    def _from_config(cls, config: Dict[str, Any]) -> Any:
        self = cls.__new__(cls)
        self._native = _native.EasemobClient(json.dumps(config))
        return self

    def app_token(self) -> str:
        """The current app token (fetched or built if needed). Calls use it automatically."""
        return str(self._native.app_token())

    @property
    def token_fetches(self) -> int:
        """How many times this client fetched or built an app token."""
        return int(self._native.token_fetches())

    def chat_user_token(self, user_uuid: str, ttl: int = 3600) -> str:
        """Agora Chat: a user token (AccessToken2) for the user's UUID (from ``user_get``), valid ``ttl`` seconds (≤ 86400)."""
        return str(self._native.chat_user_token(user_uuid, ttl))


class Easemob(_EasemobBase, EasemobOperations):
    """Easemob / Agora Chat REST client (blocking; thread-safe; the GIL is released while waiting)."""


class AsyncEasemob(_EasemobBase, AsyncEasemobOperations):
    """Easemob / Agora Chat REST client for asyncio."""


class AgoraChat(Easemob):
    """Agora Chat: an :class:`Easemob` client authenticated with the App ID and App Certificate."""

    def __init__(self, app_key: str, app_id: str, app_certificate: str, **kwargs: Any) -> None:
        super().__init__(app_key, agora_app_id=app_id, agora_app_certificate=app_certificate, **kwargs)


class AsyncAgoraChat(AsyncEasemob):
    """Agora Chat for asyncio."""

    def __init__(self, app_key: str, app_id: str, app_certificate: str, **kwargs: Any) -> None:
        super().__init__(app_key, agora_app_id=app_id, agora_app_certificate=app_certificate, **kwargs)
