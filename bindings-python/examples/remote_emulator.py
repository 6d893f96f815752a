"""An emulator already running in another process (``python -m imcloud.emulator``, the
``imcloud-emulator`` binary, a docker-compose service), driven through its admin API with the
standard library: the part of :class:`imcloud.testing.Emulator` the quick start uses."""

from __future__ import annotations

import json
import urllib.request
from typing import Any, Dict, List, Optional

from imcloud import AsyncEasemob, Easemob, RongCloud

# the emulator's test settings: plain http, short timeouts and back-offs
TEST_OPTIONS: Dict[str, Any] = {
    "allow_insecure_http": True,
    "connect_timeout": 2.0,
    "request_timeout": 2.0,
    "transfer_timeout": 10.0,
    "backoff_base": 0.02,
    "backoff_max": 0.2,
    "max_retry_after": 5.0,
}


class RemoteEmulator:
    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url.rstrip("/")
        info = self._call("GET", "/_emulator/info")
        self.hosts: List[str] = list(info["hosts"])
        self._rong: Dict[str, Any] = info["rongcloud"][0]
        self._ease: Dict[str, Any] = info["easemob"][0]

    def _call(self, method: str, path: str, body: Optional[Dict[str, Any]] = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.admin_url + path, data=data, method=method, headers={"content-type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())

    def set_fault(self, host: int, kind: str) -> None:
        self._call("POST", "/_emulator/faults", {"host": host, "kind": kind})

    def set_online(self, user: str, online: bool = True) -> None:
        self._call("POST", "/_emulator/online", {"user": user, "online": online})

    def sent_messages(self) -> List[Dict[str, Any]]:
        result: List[Dict[str, Any]] = self._call("GET", "/_emulator/messages")
        return result

    def request_count(self, host: int) -> int:
        return len(self._call("GET", f"/_emulator/requests?host={host}"))

    def rongcloud(self) -> RongCloud:
        return RongCloud(self._rong["app_key"], self._rong["app_secret"], hosts=self.hosts, **TEST_OPTIONS)

    def easemob(self) -> Easemob:
        e = self._ease
        return Easemob(e["app_key"], client_id=e["client_id"], client_secret=e["client_secret"], hosts=self.hosts, **TEST_OPTIONS)

    def async_easemob(self) -> AsyncEasemob:
        e = self._ease
        return AsyncEasemob(e["app_key"], client_id=e["client_id"], client_secret=e["client_secret"], hosts=self.hosts, **TEST_OPTIONS)

    def __enter__(self) -> RemoteEmulator:
        return self

    def __exit__(self, *exc: object) -> None:
        pass
