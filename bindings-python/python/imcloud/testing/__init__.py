"""A local emulator of the RongCloud and Easemob / Agora Chat server APIs, for your tests.

>>> from imcloud.testing import Emulator
>>> with Emulator() as emu:                                   # doctest: +SKIP
...     rc = emu.rongcloud()                                  # a client wired to the emulator
...     emu.set_fault(0, "refuse")                            # the primary host goes down
...     rc.user_register(user_id="u1", name="Ann").host == emu.hosts[1]
True

With pytest, the ``imcloud_emulator`` fixture gives a started emulator per test.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Sequence

from .. import AgoraChat, AsyncAgoraChat, AsyncEasemob, AsyncRongCloud, Easemob, RongCloud, _native

DEFAULT_RONGCLOUD_APP_KEY = "emulator-app-key"
DEFAULT_RONGCLOUD_APP_SECRET = "emulator-app-secret"
DEFAULT_EASEMOB_APP_KEY = "emulator-org#emulator-app"

NO_EMULATOR = "this build of imcloud has no emulator; build with the `testing` feature (maturin --features testing)"


class Emulator:
    """A running emulator: ``hosts`` (base URLs, primary first), faults per host, online status,
    the requests each host received, the messages sent. Stops on ``stop()`` or leaving ``with``."""

    def __init__(
        self,
        hosts: int = 2,
        *,
        rongcloud: Optional[Sequence[Dict[str, str]]] = None,
        easemob: Optional[Sequence[Dict[str, Any]]] = None,
        ports: Optional[Sequence[int]] = None,
        bind: Optional[str] = None,
        admin_port: Optional[int] = None,
    ) -> None:
        """``rongcloud``: apps as ``{"app_key", "app_secret"}``; ``easemob``: apps as
        ``{"app_key": "org#app", "client_id", "client_secret", "agora_app_id"?,
        "agora_app_certificate"?, "token_ttl"}``. Defaults: one app of each with known credentials.
        ``ports`` (one per host) and ``admin_port``: fixed ports (default: free ones); ``bind``: the
        IP address to listen on (default ``127.0.0.1``)."""
        cfg: Dict[str, Any] = {"hosts": hosts}
        if rongcloud is not None:
            cfg["rongcloud"] = list(rongcloud)
        if easemob is not None:
            cfg["easemob"] = [{"agora_app_id": None, "agora_app_certificate": None, "token_ttl": 7200, **e} for e in easemob]
        if ports is not None:
            cfg["ports"] = list(ports)
        if bind is not None:
            cfg["bind"] = bind
        if admin_port is not None:
            cfg["admin_port"] = admin_port
        handle = getattr(_native, "EmulatorHandle", None)
        if handle is None:
            raise RuntimeError(NO_EMULATOR)
        self._h = handle(json.dumps(cfg))

    @property
    def hosts(self) -> List[str]:
        return list(self._h.hosts())

    @property
    def admin_url(self) -> str:
        """The admin HTTP API, for processes in other languages."""
        return str(self._h.admin_url())

    def set_fault(
        self,
        host: int,
        kind: str,
        *,
        times: Optional[int] = None,
        status: Optional[int] = None,
        retry_after: Optional[float] = None,
        ms: Optional[int] = None,
        path_contains: Optional[str] = None,
    ) -> None:
        """Inject a fault on ``host`` (0 is the primary): ``refuse`` (port closed), ``hang`` (never
        answer), ``status`` (answer ``status``), ``rate_limit`` (429, optional ``retry_after``),
        ``quota_exceeded``, ``delay`` (``ms``), ``reset`` / ``truncate`` (break the answer),
        ``garbage`` (non-JSON 200). ``times``: how many requests (default: until cleared)."""
        fields = {"times": times, "path_contains": path_contains, "status": status, "retry_after": retry_after, "ms": ms}
        fault = {"kind": kind, **{k: v for k, v in fields.items() if v is not None}}
        self._h.set_fault(host, json.dumps(fault))

    def clear_faults(self, host: Optional[int] = None) -> None:
        self._h.clear_faults(host)

    def requests(self, host: int) -> List[Dict[str, Any]]:
        """What ``host`` received: ``method``, ``path``, ``query``, ``operation``, ``request_id``, ``headers``, ``body``."""
        result: List[Dict[str, Any]] = json.loads(self._h.requests(host))
        return result

    def request_count(self, host: int, operation: Optional[str] = None) -> int:
        return sum(1 for r in self.requests(host) if operation is None or r["operation"] == operation)

    def clear_requests(self) -> None:
        self._h.clear_requests()

    def set_online(self, user: str, online: bool = True) -> None:
        self._h.set_online(user, online)

    def sent_messages(self) -> List[Dict[str, Any]]:
        """Messages sent through either API: ``cloud``, ``operation``, ``from``, ``to``, ``kind``, ``body``, ``ext`` …"""
        result: List[Dict[str, Any]] = json.loads(self._h.sent_messages())
        return result

    def revoke_tokens(self) -> None:
        """Invalidate every app token issued so far (to test 401 handling)."""
        self._h.revoke_tokens()

    def client_config(self, kind: str) -> Dict[str, Any]:
        """Settings of a client wired to this emulator: ``rongcloud``, ``easemob`` or ``agora``."""
        result: Dict[str, Any] = json.loads(self._h.client_config(kind))
        return result

    def _with(self, kind: str, options: Dict[str, Any]) -> Dict[str, Any]:
        cfg = self.client_config(kind)
        cfg.update(options)
        return cfg

    def rongcloud(self, **options: Any) -> RongCloud:
        """A :class:`imcloud.RongCloud` for the first RongCloud app, all hosts, test timeouts."""
        c: RongCloud = RongCloud._from_config(self._with("rongcloud", options))
        return c

    def async_rongcloud(self, **options: Any) -> AsyncRongCloud:
        c: AsyncRongCloud = AsyncRongCloud._from_config(self._with("rongcloud", options))
        return c

    def easemob(self, **options: Any) -> Easemob:
        """A :class:`imcloud.Easemob` (client credentials) for the first Easemob app."""
        c: Easemob = Easemob._from_config(self._with("easemob", options))
        return c

    def async_easemob(self, **options: Any) -> AsyncEasemob:
        c: AsyncEasemob = AsyncEasemob._from_config(self._with("easemob", options))
        return c

    def agora(self, **options: Any) -> AgoraChat:
        """A :class:`imcloud.AgoraChat` (App ID + Certificate) for the first Easemob app."""
        c: AgoraChat = AgoraChat._from_config(self._with("agora", options))
        return c

    def async_agora(self, **options: Any) -> AsyncAgoraChat:
        c: AsyncAgoraChat = AsyncAgoraChat._from_config(self._with("agora", options))
        return c

    def stop(self) -> None:
        self._h.stop()

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"Emulator(hosts={self.hosts!r})"
