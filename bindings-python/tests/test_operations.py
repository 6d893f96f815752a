"""The typed surface, and journeys through both APIs against the emulator (what each operation
does to the emulator's state), and secret fields printed redacted. Every operation's typed result is
checked by the scenario runner (test_scenarios.py), which calls every operation."""

from __future__ import annotations

import inspect
import io
import keyword

import imcloud
from imcloud import AsyncEasemob, AsyncRongCloud, Easemob, RongCloud


def method_name(op: str) -> str:
    return op.replace(".", "_")


def test_every_catalogue_operation_is_a_typed_method_on_sync_and_async_clients():
    for cloud, sync_cls, async_cls in (("rongcloud", RongCloud, AsyncRongCloud), ("easemob", Easemob, AsyncEasemob)):
        for op in imcloud.catalogue(cloud)["operations"]:
            name = method_name(op["name"])
            sync_m, async_m = getattr(sync_cls, name), getattr(async_cls, name)
            assert not inspect.iscoroutinefunction(sync_m), name
            assert inspect.iscoroutinefunction(async_m), name
            assert op["summary"] in (sync_m.__doc__ or ""), name
            params = inspect.signature(sync_m).parameters
            for p in op["params"]:
                pname = p["name"] + ("_" if keyword.iskeyword(p["name"]) else "")
                assert pname in params, (name, pname)
                assert params[pname].kind is inspect.Parameter.KEYWORD_ONLY


def test_every_operation_has_a_result_class_with_every_declared_field() -> None:
    for cloud, cls in (("rongcloud", RongCloud), ("easemob", Easemob)):
        for op in imcloud.catalogue(cloud)["operations"]:
            if op.get("download"):
                assert op["name"] not in cls._results
                continue
            result = cls._results[op["name"]]
            fields = op["response"].get("fields", [])
            typed = result._item if op["response"]["shape"] == "array" and fields else result  # type: ignore[attr-defined]
            for f in fields:
                name = f["name"] + ("_" if keyword.iskeyword(f["name"]) else "")
                assert isinstance(getattr(typed, name), property), (op["name"], f["name"])


def test_a_secret_field_is_hidden_when_printed_but_readable(emu) -> None:
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


def test_every_secret_field_the_emulator_can_show_is_hidden_when_printed(emu) -> None:
    secret = {
        (cloud, op["name"], f["name"])
        for cloud in ("rongcloud", "easemob")
        for op in imcloud.catalogue(cloud)["operations"]
        for f in op["response"].get("fields", [])
        if f.get("secret")
    }
    assert ("easemob", "auth.app_token", "access_token") in secret
    tok = emu.easemob().auth_app_token(ttl=600)
    assert tok.access_token and tok.access_token not in repr(tok) and "'access_token': '***'" in repr(tok)


def test_rongcloud_journey(emu):
    rc = emu.rongcloud()
    reg = rc.user_register(user_id="u1", name="Ann", portrait_uri="http://x/a.png")
    assert reg.user_id == "u1" and reg.token
    assert "***" in repr(reg) and reg.token not in repr(reg)
    rc.user_register(user_id="u2", name="Bob")
    rc.user_refresh(user_id="u1", name="Ann B")
    assert rc.user_check_online(user_id="u1").status == "0"
    emu.set_online("u1")
    assert rc.user_check_online(user_id="u1").status == "1"
    rc.user_block_add(user_ids=["u2"], minute=5)
    assert rc.user_block_list().users[0]["userId"] == "u2"
    rc.user_block_remove(user_ids=["u2"])
    pub = rc.message_private_publish(from_user_id="u1", to_user_ids=["u2"], object_name="RC:TxtMsg", content={"content": "hi"})
    uid = pub.message_uids[0]["messageUID"]
    rc.group_create(user_ids=["u1", "u2"], group_id="g1", group_name="G")
    rc.group_join(user_ids=["u3"], group_id="g1")
    rc.group_quit(user_ids=["u2"], group_id="g1")
    rc.group_refresh(group_id="g1", group_name="G2")
    assert rc.group_members(group_id="g1").users == [{"id": "u1"}, {"id": "u3"}]
    rc.message_group_publish(from_user_id="u1", to_group_ids=["g1"], object_name="RC:TxtMsg", content='{"content":"x"}')
    rc.message_system_publish(from_user_id="s", to_user_ids=["u1"], object_name="RC:TxtMsg", content={"content": "n"})
    rc.message_recall(from_user_id="u1", conversation_type=1, target_id="u2", message_uid=uid, sent_time=1)
    rc.group_dismiss(user_id="u1", group_id="g1")
    rc.chatroom_create(chatroom_id="r1")
    assert rc.chatroom_query(chatroom_id="r1").chatroom_id == "r1"
    rc.chatroom_destroy(chatroom_ids=["r1"])
    rc.user_tag_set(user_id="u1", tags=["vip"])
    assert rc.push(platform=["ios"], audience={"is_to_all": True}, notification={"alert": "hi"}).id
    sent = emu.sent_messages()
    assert [m["target_type"] for m in sent] == ["private", "group", "system"]
    assert sent[0]["recalled"] is True


def test_easemob_journey(emu, tmp_path):
    em = emu.easemob()
    em.auth_app_token(ttl=600)
    alice = em.user_register(username="alice", password="pw", nickname="Alice")
    assert alice[0].username == "alice" and len(alice) == 1
    em.user_register_batch(users=[{"username": "bob", "password": "p"}, {"username": "carol", "password": "p"}])
    got = em.user_get(username="alice")
    assert got.items[0].uuid == alice[0].uuid and got[0].nickname == "Alice"
    emu.set_online("alice")
    assert em.user_status(username="alice").data == {"alice": "online"}
    assert em.user_status_batch(usernames=["alice", "bob"]).data == [{"alice": "online"}, {"bob": "offline"}]
    gid = em.group_create(groupname="team", public=True, owner="alice", members=["bob"]).groupid
    assert gid
    assert em.group_get(group_ids=[gid])[0].affiliations_count == 2
    assert em.group_members_add(group_id=gid, usernames=["carol"]).newmembers == ["carol"]
    assert em.group_members(group_id=gid, pagenum=1, pagesize=10).data[0] == {"owner": "alice"}
    assert em.group_members_remove(group_id=gid, usernames=["carol"]).data[0]["result"] is True
    em.group_announcement_set(group_id=gid, announcement="公告 & news")
    assert em.group_announcement_get(group_id=gid).announcement == "公告 & news"
    path = tmp_path / "plan.txt"
    path.write_bytes(b"x" * 100_000)
    up = em.group_share_file_upload(group_id=gid, file=path)
    assert up.file_name == "plan.txt" and up.file_size == 100_000
    assert em.group_share_files(group_id=gid, pagesize=10)[0].file_id == up.file_id
    out = tmp_path / "copy.txt"
    d = em.group_share_file_download(group_id=gid, file_id=up.file_id, dest=str(out))
    assert d.bytes == 100_000 and out.read_bytes() == path.read_bytes()
    assert em.group_share_file_delete(group_id=gid, file_id=up.file_id).result is True
    att = em.attachment_upload(file=b"\xff\xd8jpeg", filename="p.jpg", restrict_access=True)
    buf = io.BytesIO()
    em.attachment_download(uuid=att.uuid, share_secret=att.share_secret, dest=buf)
    assert buf.getvalue() == b"\xff\xd8jpeg"
    url = f"https://x/chatfiles/{att.uuid}"
    em.message_send_text(target_type="users", from_="alice", to=["bob"], msg="hi", ext={"k": 1})
    em.message_send_image(target_type="users", to=["bob"], url=url, filename="p.jpg", secret=att.share_secret, width=1, height=1)
    em.message_send_audio(target_type="users", to=["bob"], url=url, filename="a.amr", length=2)
    em.message_send_video(target_type="users", to=["bob"], url=url, filename="v.mp4", length=3)
    em.message_send_file(target_type="chatgroups", to=[gid], url=url, filename="f.pdf")
    em.message_send_cmd(target_type="chatrooms", to=["room"], action="refresh")
    em.message_send_custom(target_type="users", to=["bob"], custom_event="gift", custom_exts={"n": "1"})
    assert [m["kind"] for m in emu.sent_messages()] == ["txt", "img", "audio", "video", "file", "cmd", "custom"]
    assert emu.sent_messages()[0]["from"] == "alice"
    em.group_delete(group_id=gid)
    em.user_delete(username="carol")


def test_agora_chat_builds_tokens_locally(emu):
    ag = emu.agora()
    ag.user_register(username="dave", password="pw")
    assert emu.request_count(0, "auth.app_token") == 0
    assert emu.requests(0)[0]["headers"]
    assert ag.app_token().startswith("007")
    assert ag.chat_user_token("some-uuid", 600).startswith("007")


def test_callback_verification(emu):
    rc = emu.rongcloud()
    import time

    ts = str(int(time.time() * 1000))
    sig = imcloud.rongcloud_signature("emulator-app-secret", "7", ts)
    rc.verify_callback(query={"nonce": "7", "signTimestamp": ts, "signature": sig})
    import pytest

    with pytest.raises(imcloud.errors.AuthenticationError):
        rc.verify_callback(headers={"Nonce": "8", "Timestamp": ts, "Signature": sig})


def test_client_options_are_the_cores():
    assert set(imcloud.ClientOptions.__annotations__) == set(imcloud._native.option_keys())
    rc = imcloud.RongCloud("k", "s", region="singapore", request_timeout=2.5, max_attempts=2)
    assert rc.hosts == ["https://api.sg-light-api.com", "https://api-b.sg-light-api.com"]
