"""Server callbacks: every declared kind is parsed from its declared example into its typed event
class, each declared field read through its typed property; Easemob's security verifies."""

from __future__ import annotations

import hashlib
import json
import time
import urllib.parse
from typing import Any, Dict, List, Tuple

import pytest

import imcloud
from conftest import FIELD_TYPES, py_name
from imcloud import errors
from imcloud.events import EASEMOB_EVENTS, RONGCLOUD_EVENTS, EasemobPostSendEvent


def _kinds(cloud: str) -> List[Dict[str, Any]]:
    kinds: List[Dict[str, Any]] = imcloud.catalogue(cloud)["callbacks"]
    return kinds


def _body(kind: Dict[str, Any]) -> Tuple[bytes, str]:
    """The declared example as it arrives on the wire."""
    if kind["arrives"] == "form":
        return urllib.parse.urlencode(kind["example"]).encode(), "application/x-www-form-urlencoded"
    return json.dumps(kind["example"]).encode(), "application/json"


CASES = [(cloud, k["name"]) for cloud in ("rongcloud", "easemob") for k in _kinds(cloud)]


@pytest.mark.parametrize(("cloud", "name"), CASES)
def test_every_declared_kind_parses_into_its_typed_event(emu: Any, cloud: str, name: str) -> None:
    kind = next(k for k in _kinds(cloud) if k["name"] == name)
    client = emu.rongcloud() if cloud == "rongcloud" else emu.easemob()
    classes = RONGCLOUD_EVENTS if cloud == "rongcloud" else EASEMOB_EVENTS
    body, content_type = _body(kind)
    for ct in (content_type, None):
        events = client.parse_callback(body, ct)
        items = kind["example"] if kind["arrives"] == "json_array" else [kind["example"]]
        assert len(events) == len(items)
        for event, item in zip(events, items):
            assert type(event) is classes[name]
            assert event.kind == name
            assert event.raw == item
            for f in kind["fields"]:
                value = getattr(event, py_name(f["name"]))
                assert value is not None, f"{name}.{f['name']}"
                check = FIELD_TYPES.get(f["type"])
                assert check is None or check(value), f"{name}.{f['name']}: {value!r} is not {f['type']}"
    # a str body reads the same
    assert client.parse_callback(body.decode())[0].kind == name


def test_the_declared_kinds_are_the_generated_classes() -> None:
    assert sorted(RONGCLOUD_EVENTS) == sorted(k["name"] for k in _kinds("rongcloud"))
    assert sorted(EASEMOB_EVENTS) == sorted(k["name"] for k in _kinds("easemob"))
    assert len(RONGCLOUD_EVENTS) >= 2 and len(EASEMOB_EVENTS) >= 4


def test_an_unknown_body_is_an_invalid_argument(emu: Any) -> None:
    with pytest.raises(errors.InvalidArgumentError) as e:
        emu.easemob().parse_callback(b'{"eventType": "group_op"}')
    assert "post_send" in str(e.value)
    with pytest.raises(errors.InvalidArgumentError):
        emu.rongcloud().parse_callback("a=1&b=2")
    with pytest.raises(TypeError):
        emu.rongcloud().parse_callback(42)  # type: ignore[arg-type]


def test_easemob_security_verifies_and_tampering_is_refused(emu: Any) -> None:
    now = int(time.time() * 1000)
    call_id = "org#app_0990a64f"
    security = hashlib.md5(f"{call_id}rule-secret{now}".encode()).hexdigest()
    body = {"callId": call_id, "eventType": "chat", "timestamp": now, "from": "u1", "to": "u2", "msg_id": "1", "payload": {}}
    body["security"] = security
    for client in (emu.easemob(), emu.agora()):
        client.verify_callback(json.dumps(body), "rule-secret")
        client.verify_callback(json.dumps(body).encode(), "rule-secret", window=60)
        with pytest.raises(errors.AuthenticationError):
            client.verify_callback(json.dumps(body), "other-secret")
        with pytest.raises(errors.AuthenticationError):
            client.verify_callback(json.dumps({**body, "callId": call_id + "x"}), "rule-secret")
        old = now - 3_600_000
        stale = {**body, "timestamp": old, "security": hashlib.md5(f"{call_id}rule-secret{old}".encode()).hexdigest()}
        with pytest.raises(errors.AuthenticationError):
            client.verify_callback(json.dumps(stale), "rule-secret", window=300)
        event = client.parse_callback(json.dumps(body))[0]
        assert isinstance(event, EasemobPostSendEvent)
        assert event.kind == "post_send" and event.from_ == "u1"
