"""Every operation of the catalogue, enumerated from it at test time, through the typed methods
(sync and asyncio) against the emulator: each typed result's declared fields have their declared
Python types, and a field the server sent is readable through its accessor.

The arguments come from the declaration: a required parameter takes the value the little world
below gives its name (users, a group, a chatroom, a file that exist on the emulator), else one
made from its type and limits. A new operation is covered without touching this file unless it
needs a value nothing here can make (the test then fails naming the operation)."""

from __future__ import annotations

import asyncio
import io
import keyword
from typing import Any, Callable, Dict, List, Tuple

import pytest

import imcloud
from imcloud.testing import Emulator

CLOUDS = ("rongcloud", "easemob")

# the Python type of each declared result field type (others are plain JSON values)
FIELD_TYPES: Dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "bool": lambda v: isinstance(v, bool),
    "string_list": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
    "object_list": lambda v: isinstance(v, list) and all(isinstance(x, dict) for x in v),
}

# operations that create what the world already has get a fresh name instead
FRESH: Dict[Tuple[str, str], Dict[str, Any]] = {
    ("rongcloud", "group.create"): {"group_id": "g-new"},
    ("rongcloud", "chatroom.create"): {"chatroom_id": "r-new"},
    ("easemob", "user.register"): {"username": "erin"},
    # two users: a batch of one is the very request `user.register` sends
    ("easemob", "user.register_batch"): {"users": [{"username": "frank", "password": "pw"}, {"username": "gina", "password": "pw"}]},
}


def py_name(name: str) -> str:
    return name + "_" if keyword.iskeyword(name) else name


def get_path(value: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def rongcloud_world(rc: Any) -> Dict[str, Any]:
    for uid, name in (("u1", "Ann"), ("u2", "Bob"), ("u3", "Cy")):
        rc.user_register(user_id=uid, name=name)
    rc.group_create(user_ids=["u1", "u2"], group_id="g1", group_name="G")
    rc.chatroom_create(chatroom_id="r1")
    pub = rc.message_private_publish(from_user_id="u1", to_user_ids=["u2"], object_name="RC:TxtMsg", content={"content": "hi"})
    uids = pub.message_uids or []
    assert uids, pub
    return {
        "user_id": "u1",
        "user_ids": ["u2"],
        "from_user_id": "u1",
        "to_user_ids": ["u2"],
        "target_id": "u2",
        "name": "Ann",
        "group_id": "g1",
        "group_name": "G",
        "to_group_ids": ["g1"],
        "chatroom_id": "r1",
        "chatroom_ids": ["r1"],
        "object_name": "RC:TxtMsg",
        "content": {"content": "hi"},
        "message_uid": uids[0]["messageUID"],
        "conversation_type": 1,
        "sent_time": 1,
        "minute": 5,
        "tags": ["vip"],
        "audience": {"is_to_all": True},
        "notification": {"alert": "hi"},
    }


def easemob_world(em: Any) -> Dict[str, Any]:
    em.user_register_batch(users=[{"username": u, "password": "pw"} for u in ("alice", "bob", "carol")])
    gid = em.group_create(groupname="team", public=True, owner="alice", members=["bob"]).groupid
    assert gid
    shared = em.group_share_file_upload(group_id=gid, file=b"shared", filename="plan.txt")
    att = em.attachment_upload(file=b"\xff\xd8jpeg", filename="p.jpg", restrict_access=True)
    return {
        "username": "carol",
        "password": "pw",
        "usernames": ["alice", "bob"],
        "owner": "alice",
        "public": True,
        "group_id": gid,
        "group_ids": [gid],
        "announcement": "news",
        "file_id": shared.file_id,
        "uuid": att.uuid,
        "share_secret": att.share_secret,
        "to": ["bob"],
        "msg": "hi",
        "url": f"https://x/chatfiles/{att.uuid}",
        "filename": "p.jpg",
        "action": "refresh",
        "custom_event": "gift",
    }


WORLDS = {"rongcloud": rongcloud_world, "easemob": easemob_world}


def made_up(p: Dict[str, Any]) -> Any:
    """A valid value from the parameter's declaration alone."""
    enum = p.get("enum")
    lo = p.get("min")
    t = p["type"]
    if t == "string":
        return enum[0] if enum else "x1"
    if t == "int":
        return lo if lo is not None else 1
    if t == "bool":
        return True
    if t == "string_list":
        return [enum[0] if enum else "x1"]
    if t == "object_list":
        return [{f["name"]: made_up(f) for f in p.get("item_fields", []) if f.get("required")}]
    if t == "string_map":
        return {"k": "v"}
    if t in ("json", "json_string"):
        return {"k": "v"}
    raise AssertionError(f"no value for a parameter of type {t}")


def arguments(cloud: str, op: Dict[str, Any], world: Dict[str, Any]) -> Dict[str, Any]:
    fresh = FRESH.get((cloud, op["name"]), {})
    args: Dict[str, Any] = {}
    for p in op["params"]:
        name = p["name"]
        if p["type"] == "file":
            args[py_name(name)] = b"every operation"
            args["filename"] = "every.txt"
            continue
        given = name in fresh or name in world
        if not (p.get("required") and p.get("default") is None) and not given:
            continue
        args[py_name(name)] = fresh[name] if name in fresh else world[name] if name in world else made_up(p)
    if op.get("download"):
        args["dest"] = io.BytesIO()
    return args


def check_fields(op: Dict[str, Any], result: Any) -> None:
    """Each declared field has its declared type, and is there when the server sent it."""
    fields = op["response"].get("fields", [])
    if op["response"]["shape"] == "array" and fields:
        assert len(result) == len(result.data), op["name"]
        objects: List[Tuple[Any, Any]] = [(item, item.raw) for item in result]
        assert objects, f"{op['name']}: the emulator answered an empty list; nothing to check"
    else:
        objects = [(result, result.data)]
    for typed, raw in objects:
        for f in fields:
            value = getattr(typed, py_name(f["name"]))
            sent = get_path(raw, f["wire"])
            where = f"{op['name']}.{f['name']} = {value!r} (sent {sent!r})"
            if sent is not None:
                assert value is not None, where
            if value is not None and f["type"] in FIELD_TYPES:
                assert FIELD_TYPES[f["type"]](value), f"{where} is not a {f['type']}"


def every_op() -> List[Any]:
    return [pytest.param(cloud, op, id=f"{cloud}:{op['name']}") for cloud in CLOUDS for op in imcloud.catalogue(cloud)["operations"]]


@pytest.mark.parametrize("cloud,op", every_op())
def test_every_operation_sync(emu: Emulator, cloud: str, op: Dict[str, Any]) -> None:
    client = emu.rongcloud() if cloud == "rongcloud" else emu.easemob()
    world = WORLDS[cloud](client)  # the same client: an Easemob token is fetched already
    emu.clear_requests()
    method = getattr(client, op["name"].replace(".", "_"))
    result = method(**arguments(cloud, op, world))
    assert emu.request_count(0, op["name"]) == 1
    if op.get("download"):
        assert isinstance(result, imcloud.DownloadResult) and result.bytes > 0
        return
    assert type(result) is client._results[op["name"]]
    check_fields(op, result)


@pytest.mark.parametrize("cloud,op", every_op())
def test_every_operation_async(emu: Emulator, cloud: str, op: Dict[str, Any]) -> None:
    world = WORLDS[cloud](emu.rongcloud() if cloud == "rongcloud" else emu.easemob())
    client = emu.async_rongcloud() if cloud == "rongcloud" else emu.async_easemob()
    method = getattr(client, op["name"].replace(".", "_"))
    result = asyncio.run(method(**arguments(cloud, op, world)))
    if op.get("download"):
        assert isinstance(result, imcloud.DownloadResult) and result.bytes > 0
        return
    assert type(result) is client._results[op["name"]]
    check_fields(op, result)


def test_every_operation_has_a_result_class_with_every_declared_field() -> None:
    for cloud, cls in (("rongcloud", imcloud.RongCloud), ("easemob", imcloud.Easemob)):
        for op in imcloud.catalogue(cloud)["operations"]:
            if op.get("download"):
                assert op["name"] not in cls._results
                continue
            result = cls._results[op["name"]]
            fields = op["response"].get("fields", [])
            typed = result._item if op["response"]["shape"] == "array" and fields else result  # type: ignore[attr-defined]
            for f in fields:
                assert isinstance(getattr(typed, py_name(f["name"])), property), (op["name"], f["name"])


def test_a_secret_field_is_hidden_when_printed_but_readable(emu: Emulator) -> None:
    rc = emu.rongcloud()
    reg = rc.user_register(user_id="u1", name="Ann")
    token = reg.token
    assert isinstance(token, str) and token
    assert reg.data["token"] == token  # the answer itself is untouched
    shown = repr(reg)
    assert token not in shown and "'token': '***'" in shown and "'userId': 'u1'" in shown
    assert token not in str(reg)
    # a generic call answers with the same result class, printed the same way
    again = rc.call("user.register", {"user_id": "u1", "name": "Ann"})
    assert type(again) is type(reg) and again.token and again.token not in repr(again)


def test_every_secret_field_the_emulator_can_show_is_hidden_when_printed(emu: Emulator) -> None:
    secret = {
        (cloud, op["name"], f["name"])
        for cloud in CLOUDS
        for op in imcloud.catalogue(cloud)["operations"]
        for f in op["response"].get("fields", [])
        if f.get("secret")
    }
    assert ("easemob", "auth.app_token", "access_token") in secret
    tok = emu.easemob().auth_app_token(ttl=600)
    assert tok.access_token and tok.access_token not in repr(tok) and "'access_token': '***'" in repr(tok)
