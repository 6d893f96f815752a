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
    with open(p) as f, pytest.raises(errors.IoError) as e:
        em.group_share_file_upload(group_id=gid, file=f)
    assert "binary mode" in str(e.value)


class _Unreadable:
    """A file object (not seekable: read once) whose read() misbehaves."""

    def __init__(self, outcome):
        self.outcome = outcome

    def read(self, n=-1):
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return self.outcome


class _SeekableUnreadable(io.BytesIO):
    def read(self, n=-1):
        raise OSError("device not ready")


BAD_SOURCES = {
    "read raises OSError": (lambda p: _Unreadable(OSError(5, "Input/output error")), "Input/output error"),
    "read raises ValueError": (lambda p: _Unreadable(ValueError("I/O operation on closed file")), "closed file"),
    "read returns None": (lambda p: _Unreadable(None), "None"),
    "read returns str": (lambda p: _Unreadable("text"), "binary mode"),
    "text-mode file": (lambda p: open(p, encoding="utf-8"), "binary mode"),
    "StringIO": (lambda p: io.StringIO("text"), "binary mode"),
    "seekable, read raises": (lambda p: _SeekableUnreadable(b"abc"), "device not ready"),
}


@pytest.mark.parametrize("case", sorted(BAD_SOURCES))
def test_a_failing_file_object_is_a_file_error_and_cools_no_host(group, emu, tmp_path, case):
    """A local read failure is IoError (kind io), not a NetworkError, and the primary stays in
    use. Needs core: the engine reporting upload-stream read errors as io without recording a
    host failure (being done on main); until then this fails with NetworkError."""
    em, gid = group
    make, words = BAD_SOURCES[case]
    p = tmp_path / "t.txt"
    p.write_text("text")
    source = make(p)
    try:
        with pytest.raises(errors.ImcloudError) as info:
            em.group_share_file_upload(group_id=gid, file=source, filename="f.bin")
    finally:
        getattr(source, "close", lambda: None)()
    e = info.value
    assert (type(e), e.kind) == (errors.IoError, "io"), repr(e)
    assert words in str(e) and "may have been processed" not in str(e), str(e)
    assert isinstance(e, OSError) and e.operation == "group.share_file_upload"
    # the primary was not cooled down: the next calls still go to it
    emu.clear_requests()
    for _ in range(3):
        assert em.user_get(username="owner").host == emu.hosts[0]
    assert emu.request_count(0) == 3 and emu.request_count(1) == 0


def test_a_failing_file_object_in_asyncio_is_a_file_error(emu):
    import asyncio

    async def main():
        em = emu.async_easemob()
        with pytest.raises(errors.IoError):
            await asyncio.wait_for(em.attachment_upload(file=_Unreadable(OSError("gone")), filename="a"), 30)
        emu.clear_requests()
        assert (await em.user_status_batch(usernames=["x"])).host == emu.hosts[0]

    asyncio.run(main())


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

    with pytest.raises(errors.IoError) as e:
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
