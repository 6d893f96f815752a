"""Uploads from paths, bytes and file objects; downloads to paths and file objects, streamed."""

from __future__ import annotations

import io

import pytest

from imcloud import errors


@pytest.fixture
def group(emu):
    em = emu.easemob()
    em.user_register(username="owner", password="p")
    return em, em.group_create(public=True, owner="owner").groupid


def test_upload_sources(group, tmp_path):
    em, gid = group
    p = tmp_path / "a.bin"
    data = bytes(range(256)) * 4000
    p.write_bytes(data)
    assert em.group_share_file_upload(group_id=gid, file=p).file_size == len(data)
    assert em.group_share_file_upload(group_id=gid, file=str(p), filename="ignored").file_name == "a.bin"
    assert em.group_share_file_upload(group_id=gid, file=data, filename="b.bin").file_name == "b.bin"
    assert em.group_share_file_upload(group_id=gid, file=bytearray(b"xy"), filename="c").file_size == 2
    with open(p, "rb") as f:
        r = em.group_share_file_upload(group_id=gid, file=f)
    assert (r.file_name, r.file_size) == ("a.bin", len(data))
    assert em.group_share_file_upload(group_id=gid, file=io.BytesIO(b"mem"), filename="m.txt").file_size == 3


def test_file_object_size_is_checked_before_sending(group, emu):
    em, gid = group
    emu.clear_requests()
    with pytest.raises(errors.InvalidArgumentError) as e:
        em.group_share_file_upload(group_id=gid, file=io.BytesIO(b"\0" * (10 * 1024 * 1024 + 1)))
    assert "10 MB" in str(e.value)
    assert emu.request_count(0) == 0


def test_text_mode_file_is_refused(group, tmp_path):
    em, gid = group
    p = tmp_path / "t.txt"
    p.write_text("text")
    with open(p) as f, pytest.raises(errors.ImcloudError) as e:
        em.group_share_file_upload(group_id=gid, file=f)
    assert "binary mode" in str(e.value)


def test_downloads(group, tmp_path):
    em, gid = group
    data = b"0123456789" * 50_000
    fid = em.group_share_file_upload(group_id=gid, file=data, filename="d.bin").file_id
    out = tmp_path / "out.bin"
    d = em.group_share_file_download(group_id=gid, file_id=fid, dest=out)
    assert d.bytes == len(data) and out.read_bytes() == data
    buf = io.BytesIO()
    em.group_share_file_download(group_id=gid, file_id=fid, dest=buf)
    assert buf.getvalue() == data

    class Broken(io.RawIOBase):
        def writable(self):
            return True

        def write(self, b):
            raise OSError("disk full")

    with pytest.raises(errors.FileError) as e:
        em.group_share_file_download(group_id=gid, file_id=fid, dest=Broken())
    assert "disk full" in str(e.value)


def test_async_files(emu, tmp_path):
    import asyncio

    async def main():
        em = emu.async_easemob()
        await em.user_register(username="o", password="p")
        gid = (await em.group_create(public=True, owner="o")).groupid
        up = await em.group_share_file_upload(group_id=gid, file=io.BytesIO(b"async bytes"), filename="a.txt")
        buf = io.BytesIO()
        await em.group_share_file_download(group_id=gid, file_id=up.file_id, dest=buf)
        assert buf.getvalue() == b"async bytes"

    asyncio.run(main())
