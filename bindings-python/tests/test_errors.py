"""Every error kind arrives as its own exception class with all its fields; secrets never show."""

from __future__ import annotations

import pickle

import pytest

import imcloud
from imcloud import _native, errors

PUBLISH = dict(from_user_id="a", to_user_ids=["b"], object_name="RC:TxtMsg", content={"content": "x"})


def test_every_core_kind_has_a_class():
    assert set(_native.error_kinds()) == set(errors.ERROR_CLASSES)
    for kind, cls in errors.ERROR_CLASSES.items():
        assert issubclass(cls, errors.ImcloudError) and cls.kind == kind


def raises(cls, fn, *args, **kwargs) -> errors.ImcloudError:
    with pytest.raises(cls) as info:
        fn(*args, **kwargs)
    e = info.value
    assert type(e) is cls, type(e)
    assert e.kind == cls.kind
    return e


def test_invalid_argument_before_sending(emu):
    em = emu.easemob()
    e = raises(errors.InvalidArgumentError, em.group_announcement_set, group_id="1", announcement="x" * 513)
    assert e.param == "announcement" and "512" in e.message and e.operation == "group.announcement_set"
    assert isinstance(e, ValueError)
    e = raises(errors.InvalidArgumentError, em.group_share_files, group_id="1", pagesize=1001)
    assert e.param == "pagesize"
    e = raises(errors.InvalidArgumentError, em.user_status_batch, usernames=[f"u{i}" for i in range(101)])
    assert "100" in e.message
    e = raises(errors.InvalidArgumentError, em.group_share_file_upload, group_id="1", file=b"\0" * (10 * 1024 * 1024 + 1))
    assert "10 MB" in e.message
    e = raises(errors.InvalidArgumentError, em.message_send_text, target_type="users", to=["b"], msg="x", ext={1, 2})
    assert "JSON" in e.message
    assert emu.request_count(0) == 0 and emu.request_count(1) == 0


def test_config_errors_name_the_setting():
    e = raises(errors.ConfigError, imcloud.RongCloud, "k", "s", hosts=["http://127.0.0.1:1"])
    assert "allow_insecure_http" in e.message
    e = raises(errors.InvalidArgumentError, imcloud.RongCloud, "k", "s", region="mars")
    assert "singapore" in e.message
    e = raises(errors.InvalidArgumentError, imcloud.Easemob, "org#app", hosts=["https://h"])
    assert "client_id" in e.message


def test_server_answers_become_typed_errors(emu):
    em = emu.easemob()
    bad = imcloud.RongCloud._from_config({**emu.client_config("rongcloud"), "app_secret": "wrong-secret-123"})
    e = raises(errors.AuthenticationError, bad.user_check_online, user_id="u")
    assert (e.http_status, e.code, e.retryable) == (401, "1004", False)
    assert e.request_id and e.host == emu.hosts[0]
    for text in (str(e), repr(e), repr(bad)):
        assert "wrong-secret-123" not in text
    e = raises(errors.NotFoundError, em.user_get, username="nobody")
    assert (e.http_status, e.code) == (404, "service_resource_not_found")
    em.user_register(username="dup", password="p")
    e = raises(errors.ConflictError, em.user_register, username="dup", password="p")
    assert e.code == "duplicate_unique_property_exists"
    att = em.attachment_upload(file=b"x", restrict_access=True)
    raises(errors.PermissionDeniedError, em.attachment_download, uuid=att.uuid, dest=__import__("io").BytesIO())
    emu.set_fault(0, "status", status=418, path_contains="/users/", times=1)
    e = raises(errors.ApiError, em.user_get, username="dup")
    assert e.http_status == 418


def test_transport_and_limit_errors(emu):
    rc = emu.rongcloud()
    emu.set_fault(0, "rate_limit", retry_after=3600)
    e = raises(errors.RateLimitedError, rc.user_check_online, user_id="u")
    assert e.retry_after == 3600 and e.retryable and e.code == "1008"
    emu.clear_faults()
    em = emu.easemob()
    em.user_register(username="q", password="p")
    emu.set_fault(0, "quota_exceeded", times=1)
    assert raises(errors.QuotaExceededError, em.user_get, username="q").code == "resource_limited"
    for kind, cls in (
        ("status", errors.ServerError),
        ("hang", errors.RequestTimeoutError),
        ("reset", errors.NetworkError),
        ("garbage", errors.DecodeError),
    ):
        emu.clear_faults()
        emu.set_fault(0, kind, status=500)
        fresh = emu.rongcloud()
        e = raises(cls, fresh.message_private_publish, **PUBLISH)
        assert e.retryable is False and "not idempotent" in e.message, kind
    emu.clear_faults()
    emu.set_fault(0, "refuse")
    emu.set_fault(1, "refuse")
    e = raises(errors.ConnectError, emu.rongcloud().user_check_online, user_id="u")
    assert e.retryable and isinstance(e, ConnectionError)


def test_io_error_for_a_bad_destination(emu, tmp_path):
    em = emu.easemob()
    att = em.attachment_upload(file=b"data")
    e = raises(errors.FileError, em.attachment_download, uuid=att.uuid, dest=str(tmp_path / "no" / "such" / "dir" / "f"))
    assert "cannot create" in e.message


def test_exceptions_pickle_and_repr():
    e = errors._from_native("not_found", "gone", "user.get", None, 404, "x", "rid", "h", False, None, "gone (operation=user.get)")
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is errors.NotFoundError
    assert (back.http_status, back.request_id, str(back)) == (404, "rid", "gone (operation=user.get)")
    assert "NotFoundError('gone'" in repr(back)
