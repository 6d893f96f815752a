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
import sys
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Type, Union

if sys.version_info >= (3, 11):
    from typing import Unpack
else:
    from typing_extensions import Unpack

from . import _native, errors, events
from ._base import DownloadResult, FileDest, FileInput, Item, ListResult, Result, _config, _config_json, _pairs, _text
from ._generated import (
    EASEMOB_EVENTS,
    RONGCLOUD_EVENTS,
    AsyncEasemobOperations,
    AsyncRongCloudOperations,
    ClientOptions,
    EasemobEvent,
    EasemobOperations,
    RongCloudEvent,
    RongCloudOperations,
)
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
    "ClientOptions",
    "errors",
    "events",
    "catalogue",
    "rongcloud_signature",
    "RongCloudEvent",
    "EasemobEvent",
]


def _body(body: Union[bytes, bytearray, memoryview, str]) -> bytes:
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    raise TypeError(f"body must be bytes or str, got {type(body).__name__}")


def _events(
    native: Any,
    body: Union[bytes, bytearray, memoryview, str],
    content_type: Optional[str],
    classes: Mapping[str, Type[Item]],
) -> List[Any]:
    if content_type is not None and not isinstance(content_type, str):
        raise TypeError(f"content_type must be a str, got {type(content_type).__name__}")
    parsed = json.loads(native.parse_callback(_body(body), content_type))
    return [classes[e["kind"]](e["raw"], fields=e["fields"]) for e in parsed]


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
        **options: Unpack[ClientOptions],
    ) -> None:
        """A RongCloud client for a data centre (``region``: beijing, singapore, singapore_b,
        north_america, saudi_arabia) or your own ``hosts`` (base URLs, primary first).
        Durations are seconds. ``allow_insecure_http`` is for the emulator only."""
        self._native = _native.RongCloudClient(_config({"app_key": app_key, "app_secret": app_secret}, region, hosts, options))

    @classmethod
    def _from_config(cls, config: Dict[str, Any]) -> Any:
        self = cls.__new__(cls)
        self._native = _native.RongCloudClient(_config_json(config))
        return self

    def verify_callback(
        self,
        query: Optional[Union[Mapping[str, str], Sequence[Tuple[str, str]]]] = None,
        headers: Optional[Union[Mapping[str, str], Sequence[Tuple[str, str]]]] = None,
        window: float = 300.0,
        reject_replays: bool = False,
    ) -> None:
        """Check a server callback's signature (from its query parameters or headers) against
        this app's secret, in constant time, within ``window`` seconds of now. ``query`` and
        ``headers`` are mappings of str to str, or sequences of (name, value) pairs (as
        ``urllib.parse.parse_qsl`` gives). With ``reject_replays``, a callback this client already
        accepted within the window (same nonce and timestamp) is refused as a replay. Raises
        :class:`imcloud.errors.AuthenticationError` if it does not verify,
        :class:`imcloud.errors.InvalidArgumentError` for a bad ``window``."""
        if isinstance(window, bool) or not isinstance(window, (int, float)):
            raise TypeError(f"window must be a number of seconds, got {type(window).__name__}")
        self._native.verify_callback(_pairs("query", query), _pairs("headers", headers), float(window), bool(reject_replays))

    def parse_callback(self, body: Union[bytes, bytearray, memoryview, str], content_type: Optional[str] = None) -> List[RongCloudEvent]:
        """Read a server callback's body (bytes or str) into typed events, one per event (a
        JSON-array body such as online status gives one per item): each a class of
        :data:`RongCloudEvent` with ``kind``, typed properties and ``raw``. ``content_type`` is the
        request's header if known. Verify the signature first (:meth:`verify_callback`). Raises
        :class:`imcloud.errors.InvalidArgumentError` for a body of no declared kind."""
        return _events(self._native, body, content_type, RONGCLOUD_EVENTS)


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
        **options: Unpack[ClientOptions],
    ) -> None:
        """An Easemob / Agora Chat client. ``app_key`` is ``org_name#app_name``. Authenticate with
        ``client_id`` + ``client_secret`` (Easemob app tokens, fetched and refreshed for you) or
        ``agora_app_id`` + ``agora_app_certificate`` (Agora Chat app tokens built locally).
        ``region``: china1, china2, singapore1, singapore2, us_east1, germany2; or ``hosts``."""
        auth = {
            "client_id": client_id,
            "client_secret": client_secret,
            "agora_app_id": agora_app_id,
            "agora_app_certificate": agora_app_certificate,
            "token_ttl": token_ttl,
        }
        self._native = _native.EasemobClient(_config({"app_key": app_key}, region, hosts, {**auth, **options}))

    @classmethod
    def _from_config(cls, config: Dict[str, Any]) -> Any:
        self = cls.__new__(cls)
        self._native = _native.EasemobClient(_config_json(config))
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
        return str(self._native.chat_user_token(_text(None, "user_uuid", user_uuid), ttl))

    def parse_callback(self, body: Union[bytes, bytearray, memoryview, str], content_type: Optional[str] = None) -> List[EasemobEvent]:
        """Read a server callback's JSON body (bytes or str) into its typed event (a list of one):
        a class of :data:`EasemobEvent` (pre-send, post-send message, user status, moderation) with
        ``kind``, typed properties and ``raw``. Verify it first (:meth:`verify_callback`). Raises
        :class:`imcloud.errors.InvalidArgumentError` for a body of no declared kind."""
        return _events(self._native, body, content_type, EASEMOB_EVENTS)

    def verify_callback(self, body: Union[bytes, bytearray, memoryview, str], secret: str, window: float = 300.0) -> None:
        """Check a callback's ``security`` = md5(callId + secret + timestamp) in constant time, and
        that its ``timestamp`` is within ``window`` seconds of now. ``secret`` is the callback
        rule's secret (the console lists it with the rule; not the client secret). Raises
        :class:`imcloud.errors.AuthenticationError` if it does not verify."""
        if isinstance(window, bool) or not isinstance(window, (int, float)):
            raise TypeError(f"window must be a number of seconds, got {type(window).__name__}")
        self._native.verify_callback(_body(body), _text(None, "secret", secret), float(window))


class Easemob(_EasemobBase, EasemobOperations):
    """Easemob / Agora Chat REST client (blocking; thread-safe; the GIL is released while waiting)."""


class AsyncEasemob(_EasemobBase, AsyncEasemobOperations):
    """Easemob / Agora Chat REST client for asyncio."""


class _AgoraConstructor:
    """The Agora Chat constructor: App ID and App Certificate instead of client credentials."""

    def __init__(
        self,
        app_key: str,
        app_id: str,
        app_certificate: str,
        *,
        region: Optional[str] = None,
        hosts: Optional[Sequence[str]] = None,
        token_ttl: Optional[int] = None,
        **options: Unpack[ClientOptions],
    ) -> None:
        _EasemobBase.__init__(
            self,  # type: ignore[arg-type]
            app_key,
            agora_app_id=app_id,
            agora_app_certificate=app_certificate,
            region=region,
            hosts=hosts,
            token_ttl=token_ttl,
            **options,
        )


class AgoraChat(_AgoraConstructor, Easemob):
    """Agora Chat: an :class:`Easemob` client authenticated with the App ID and App Certificate."""


class AsyncAgoraChat(_AgoraConstructor, AsyncEasemob):
    """Agora Chat for asyncio."""
