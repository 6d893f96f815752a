"""The seeds' journey in Python against the embedded emulator — the README's demonstration.
Part-way through, the primary host refuses connections and the calls go on through the backup.

With IMCLOUD_EMULATOR_ADMIN set to the admin URL of an emulator already running (the "admin" of
the line `python -m imcloud.emulator` prints), the journey goes to that one instead."""

from __future__ import annotations

import asyncio
import io
import os
import tempfile
from typing import Union

from remote_emulator import RemoteEmulator

from imcloud import Result
from imcloud.testing import Emulator


def main() -> None:
    admin = os.environ.get("IMCLOUD_EMULATOR_ADMIN")
    emulator: Union[Emulator, RemoteEmulator] = RemoteEmulator(admin) if admin else Emulator()
    with emulator as emu:
        primary = emu.hosts[0]
        # an emulator already running may have served others before
        sent_before, backup_before = len(emu.sent_messages()), emu.request_count(1)

        def step(what: str, r: Result, detail: str = "") -> None:
            via = "primary" if r.host == primary else "backup"
            print(f"  ✓ {what:<44} via {via:<7}  {detail}")

        print(f"imcloud demo (Python) — emulator hosts: primary {emu.hosts[0]}, backup {emu.hosts[1]}")
        rc = emu.rongcloud()
        em = emu.easemob()
        print("RongCloud:")
        for uid, name in (("u1", "Ann"), ("u2", "Bob")):
            r = rc.user_register(user_id=uid, name=name)
            step(f"register {uid} and get its token", r, f"token {(r.token or '')[:12]}…")
        r2 = rc.message_private_publish(from_user_id="u1", to_user_ids=["u2"], object_name="RC:TxtMsg", content={"content": "Hello Bob"})
        step("send a text message u1 → u2", r2)
        emu.set_online("u2")
        r3 = rc.user_check_online(user_id="u2")
        step("check whether u2 is online", r3, f"status {r3.status}")

        print("Easemob / Agora Chat:")
        step(
            "register alice and bob",
            em.user_register_batch(users=[{"username": "alice", "password": "a"}, {"username": "bob", "password": "b"}]),
        )
        step("send a text message alice → bob", em.message_send_text(target_type="users", from_="alice", to=["bob"], msg="Hi Bob!"))
        img = em.attachment_upload(file=b"\xff\xd8\xff\xe0 tiny jpeg", filename="cat.jpg", restrict_access=True)
        step("upload an image attachment", img, f"uuid {(img.uuid or '')[:12]}…")
        r4 = em.message_send_image(
            target_type="users",
            from_="alice",
            to=["bob"],
            url=f"{primary}/chatfiles/{img.uuid}",
            filename="cat.jpg",
            secret=img.share_secret,
            width=64,
            height=48,
        )
        step("send the image message alice → bob", r4)
        emu.set_online("alice")
        st = em.user_status_batch(usernames=["alice", "bob"])
        step("check online status of alice and bob", st, str(st.data))
        g = em.group_create(groupname="launch", public=False, owner="alice", members=["bob"])
        gid = g.groupid or ""
        step("create a group", g, f"group {gid}")
        step("set the group announcement", em.group_announcement_set(group_id=gid, announcement="Launch on Friday 🚀"))
        a = em.group_announcement_get(group_id=gid)
        step("read the group announcement", a, repr(a.announcement))

        print("--- the primary host goes down (connections refused) ---")
        emu.set_fault(0, "refuse")
        with tempfile.TemporaryDirectory() as d:
            plan = os.path.join(d, "plan.txt")
            with open(plan, "wb") as f:
                f.write(b"Friday: ship it.\n" * 1000)
            up = em.group_share_file_upload(group_id=gid, file=plan)
            step("upload a share file (streamed from disk)", up, f"{up.file_size} bytes")
            ls = em.group_share_files(group_id=gid, pagenum=1, pagesize=10)
            step("list the group's share files", ls, f"{len(ls)} file(s)")
            copy = os.path.join(d, "copy.txt")
            dl = em.group_share_file_download(group_id=gid, file_id=up.file_id or "", dest=copy)
            with open(copy, "rb") as f1, open(plan, "rb") as f2:
                same = f1.read() == f2.read()
            via = "primary" if dl.host == primary else "backup"
            print(f"  ✓ {'download the share file (streamed to disk)':<44} via {via:<7}  {dl.bytes} bytes, identical: {same}")
        step("delete the share file", em.group_share_file_delete(group_id=gid, file_id=up.file_id or ""))

        async def attachments() -> None:
            aem = emu.async_easemob()
            att = await aem.attachment_upload(file=io.BytesIO(b"\x07" * 4096), filename="voice.amr")
            step("upload an attachment (asyncio)", att, f"uuid {(att.uuid or '')[:12]}…")
            buf = io.BytesIO()
            d2 = await aem.attachment_download(uuid=att.uuid or "", dest=buf)
            via = "primary" if d2.host == primary else "backup"
            print(f"  ✓ {'download the attachment (asyncio, to memory)':<44} via {via:<7}  {len(buf.getvalue())} bytes")

        asyncio.run(attachments())
        r5 = rc.message_private_publish(from_user_id="u2", to_user_ids=["u1"], object_name="RC:TxtMsg", content={"content": "Still here"})
        step("RongCloud: send a text message u2 → u1", r5, "sent once")
        sent = len(emu.sent_messages()) - sent_before
        print(f"done: primary served {emu.request_count(0)} requests, backup {emu.request_count(1)}; {sent} messages recorded")
        if emu.request_count(1) == backup_before or sent != 4:
            raise SystemExit("the demo did not go as expected")


if __name__ == "__main__":
    main()
