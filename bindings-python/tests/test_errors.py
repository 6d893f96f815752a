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


def test_class_names_follow_the_cores_one_rule():
    # the kind's code in UpperCamelCase plus "Error": timeout -> TimeoutError, io -> IoError
    for kind in _native.error_kinds():
        stem = "".join(w[:1].upper() + w[1:] for w in kind.split("_"))
        assert errors.ERROR_CLASSES[kind].__name__ == f"{stem}Error", kind
    assert issubclass(errors.TimeoutError, TimeoutError) and errors.TimeoutError is not TimeoutError
    assert (errors.RequestTimeoutError, errors.FileError) == (errors.TimeoutError, errors.IoError)


def test_api_code_is_the_clouds_code_and_detail_the_short_text(emu):
    # RongCloud answers an unknown App-Key with code 1002 and "Invalidate App-Key."
    bad = imcloud.RongCloud._from_config({**emu.client_config("rongcloud"), "app_key": "no-such-app"})
    e = raises(errors.InvalidArgumentError, bad.user_check_online, user_id="u")
    assert (e.api_code, e.http_status, e.detail) == ("1002", 401, "Invalidate App-Key.")
    assert e.message == str(e) and e.message.startswith("Invalidate App-Key. (")
    for part in ("operation=user.check_online", "http_status=401", "api_code=1002", f"host={emu.hosts[0]}"):
        assert part in e.message and part not in e.detail, part
    assert not hasattr(e, "code")
    again = pickle.loads(pickle.dumps(e))
    assert (type(again), again.detail, again.message, again.api_code) == (type(e), e.detail, e.message, "1002")


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
    assert (e.http_status, e.api_code, e.retryable) == (401, "1004", False)
    assert e.request_id and e.host == emu.hosts[0]
    for text in (str(e), repr(e), repr(bad)):
        assert "wrong-secret-123" not in text
    e = raises(errors.NotFoundError, em.user_get, username="nobody")
    assert (e.http_status, e.api_code) == (404, "service_resource_not_found")
    em.user_register(username="dup", password="p")
    e = raises(errors.ConflictError, em.user_register, username="dup", password="p")
    assert e.api_code == "duplicate_unique_property_exists"
    att = em.attachment_upload(file=b"x", restrict_access=True)
    raises(errors.PermissionDeniedError, em.attachment_download, uuid=att.uuid, dest=__import__("io").BytesIO())
    emu.set_fault(0, "status", status=418, path_contains="/users/", times=1)
    e = raises(errors.ApiError, em.user_get, username="dup")
    assert e.http_status == 418


def test_transport_and_limit_errors(emu):
    rc = emu.rongcloud()
    emu.set_fault(0, "rate_limit", retry_after=3600)
    e = raises(errors.RateLimitedError, rc.user_check_online, user_id="u")
    assert e.retry_after == 3600 and e.retryable and e.api_code == "1008"
    emu.clear_faults()
    em = emu.easemob()
    em.user_register(username="q", password="p")
    emu.set_fault(0, "quota_exceeded", times=1)
    assert raises(errors.QuotaExceededError, em.user_get, username="q").api_code == "resource_limited"
    for kind, cls in (
        ("status", errors.ServerError),
        ("hang", errors.TimeoutError),
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
    e = raises(errors.IoError, em.attachment_download, uuid=att.uuid, dest=str(tmp_path / "no" / "such" / "dir" / "f"))
    assert "cannot create" in e.message


def test_exceptions_pickle_and_repr():
    e = errors._from_native(
        kind="not_found",
        class_name="NotFound",
        message="gone (operation=user.get)",
        detail="gone",
        operation="user.get",
        param=None,
        http_status=404,
        api_code="x",
        request_id="rid",
        host="h",
        retryable=False,
        retry_after=None,
    )
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is errors.NotFoundError
    assert (back.http_status, back.request_id, str(back)) == (404, "rid", "gone (operation=user.get)")
    assert "NotFoundError('gone'" in repr(back)


# --- no panic crosses the FFI boundary --------------------------------------------------------


def test_a_panic_in_a_blocking_call_is_an_internal_error(emu):
    for fn in (_native._panic_for_tests, _native._panic_for_tests_sync):
        with pytest.raises(Exception) as info:  # an Exception: never PanicException (a BaseException)
            fn("boom in a test")
        e = info.value
        assert type(e) is errors.InternalError, type(e)
        assert isinstance(e, errors.ImcloudError) and e.kind == "internal"
        assert "boom in a test" in e.message and "please report" in e.message
    # the process, the runtime and the clients keep working
    assert emu.rongcloud().user_check_online(user_id="after").status == "0"


def test_a_panic_in_an_awaited_call_completes_the_awaitable_with_internal_error(emu):
    import asyncio

    async def main():
        rc = emu.async_rongcloud()
        for _ in range(3):  # the same awaitable plumbing every call uses
            with pytest.raises(errors.InternalError) as info:
                await asyncio.wait_for(rc._await(lambda done: _native._panic_for_tests_async("async boom", done)), 10)
            assert "async boom" in info.value.message
        assert (await rc.user_check_online(user_id="after")).status == "0"

    asyncio.run(main())


def test_the_completion_callback_is_called_again_if_it_fails():
    import threading

    seen, finished = [], threading.Event()

    def done(ok, value):
        seen.append((ok, value))
        if len(seen) == 1:
            raise RuntimeError("the callback failed")
        finished.set()

    _native._panic_for_tests_async("x", done)
    assert finished.wait(10), "done() was not called again: an awaitable would stay pending"
    (ok1, v1), (ok2, v2) = seen
    assert (ok1, type(v1)) == (False, errors.InternalError)
    assert (ok2, type(v2), str(v2)) == (False, RuntimeError, "the callback failed")


# --- configuration and argument values --------------------------------------------------------


@pytest.mark.parametrize("value", [1e20, float("nan"), float("inf"), float("-inf"), 0, 0.0, -1])
def test_bad_durations_are_refused_naming_the_setting(value):
    for make in (
        lambda: imcloud.RongCloud("k", "s", region="singapore", request_timeout=value),
        lambda: imcloud.Easemob("o#a", client_id="i", client_secret="s", region="china1", connect_timeout=value),
        lambda: imcloud.RongCloud._from_config({"app_key": "k", "app_secret": "s", "region": "beijing", "request_timeout": value}),
    ):
        with pytest.raises(errors.InvalidArgumentError) as info:
            make()
        assert info.value.param in ("request_timeout", "connect_timeout"), info.value
        assert info.value.param in str(info.value) and "JSON" not in str(info.value)


def test_connection_max_age_is_a_checked_option():
    rc = imcloud.RongCloud("k", "s", region="singapore", connection_max_age=30.0)
    assert rc.hosts
    with pytest.raises(errors.InvalidArgumentError) as info:
        imcloud.RongCloud("k", "s", region="singapore", connection_max_age=float("nan"))
    assert info.value.param == "connection_max_age"


def test_verify_callback_window_and_argument_types(emu):
    rc = emu.rongcloud()
    for window in (float("inf"), float("nan"), 1e20, 0, -5):
        e = raises(errors.InvalidArgumentError, rc.verify_callback, query={"nonce": "1"}, window=window)
        assert e.param == "window"
    for bad in ([1, 2], "nonce=1", [("nonce",)], [("nonce", 1)], 5):
        with pytest.raises(TypeError) as info:
            rc.verify_callback(query=bad)
        assert "query must be a mapping" in str(info.value)
    with pytest.raises(TypeError, match="window must be a number"):
        rc.verify_callback(query={}, window="300")
    # pairs are accepted as well as a mapping (as urllib.parse.parse_qsl gives them)
    import time

    ts = str(int(time.time() * 1000))
    sig = imcloud.rongcloud_signature("emulator-app-secret", "7", ts)
    rc.verify_callback(query=[("nonce", "7"), ("signTimestamp", ts), ("signature", sig)])


def test_verify_callback_can_refuse_replays(emu):
    import time

    rc = emu.rongcloud()
    ts = str(int(time.time() * 1000))
    q = {"nonce": "8", "signTimestamp": ts, "signature": imcloud.rongcloud_signature("emulator-app-secret", "8", ts)}
    rc.verify_callback(query=q, reject_replays=True)
    e = raises(errors.AuthenticationError, rc.verify_callback, query=q, reject_replays=True)
    assert "replay" in str(e)
    rc.verify_callback(query=q)  # the default does not remember callbacks


def test_a_lone_surrogate_is_bad_input_naming_the_parameter(emu):
    rc, em = emu.rongcloud(), emu.easemob()
    bad = "ab\ud800"
    e = raises(errors.InvalidArgumentError, rc.user_check_online, user_id=bad)
    assert (e.param, e.operation) == ("user_id", "user.check_online")
    e = raises(errors.InvalidArgumentError, rc.message_private_publish, **{**PUBLISH, "to_user_ids": ["b", bad]})
    assert e.param == "to_user_ids[1]"
    e = raises(errors.InvalidArgumentError, rc.message_private_publish, **{**PUBLISH, "content": {"content": bad}})
    assert e.param == "content.content"
    assert raises(errors.InvalidArgumentError, imcloud.RongCloud, bad, "s", region="beijing").param == "app_key"
    assert raises(errors.InvalidArgumentError, imcloud.RongCloud, "k", "s", hosts=[bad]).param == "hosts[0]"
    assert raises(errors.InvalidArgumentError, rc.verify_callback, headers={"Nonce": bad}).param == "headers"
    assert raises(errors.InvalidArgumentError, em.chat_user_token, bad).param == "user_uuid"
    assert raises(errors.InvalidArgumentError, em.attachment_upload, file=b"x", filename=bad).param == "filename"
    assert raises(errors.InvalidArgumentError, rc.call, "user.\udc80").param == "operation"
    assert emu.request_count(0) == 0 and emu.request_count(1) == 0


def test_hosts_as_one_string_is_refused_not_split():
    e = raises(errors.InvalidArgumentError, imcloud.RongCloud, "k", "s", hosts="https://api.example.com")
    assert e.param == "hosts" and "list" in e.message
    e = raises(errors.InvalidArgumentError, imcloud.Easemob, "o#a", client_id="i", client_secret="s", hosts="https://a.example.com")
    assert e.param == "hosts"
    assert imcloud.RongCloud("k", "s", hosts=("https://a.example.com",)).hosts == ["https://a.example.com"]


def test_generic_call_with_wrong_types_says_what_is_wrong(emu):
    rc = emu.rongcloud()
    for bad_args in ([("user_id", "u")], "user_id=u", 5):
        with pytest.raises(TypeError, match="must be a mapping of parameter names"):
            rc.call("user.check_online", bad_args)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="operation must be a str"):
        rc.call(5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="operation must be a str"):
        rc.call(["user.check_online"])  # type: ignore[arg-type]
    assert rc.call("user.check_online", {"user_id": "u"})["status"] == "0"


def test_numbers_that_cannot_travel_as_json_are_named(emu):
    rc = emu.rongcloud()
    for value, words in ((2**64, "64 bits"), (-(2**63) - 1, "64 bits"), (float("nan"), "NaN"), (float("inf"), "NaN")):
        e = raises(errors.InvalidArgumentError, rc.message_private_publish, **{**PUBLISH, "content": {"n": value}})
        assert e.param == "content.n" and words in e.message, e
    assert emu.request_count(0) == 0


def test_an_integer_out_of_range_says_so():
    """Needs core: validate.rs reports an integer beyond i64 as "got an integer" (see the report)."""
    rc = imcloud.RongCloud("k", "s", hosts=["https://unused.example.com"])
    e = raises(errors.InvalidArgumentError, rc.message_private_publish, **{**PUBLISH, "msg_random": 2**63})
    assert e.param == "msg_random"
    assert "got an integer" not in e.message and "9223372036854775807" in e.message, e.message


# --- secrets ----------------------------------------------------------------------------------


def test_generic_call_results_hide_secret_fields(emu):
    em = emu.easemob()
    for r in (em.call("auth.app_token"), em.auth_app_token()):
        token = r["access_token"]  # still readable
        assert token and token not in repr(r) and "'access_token': '***'" in repr(r)
    assert type(em.call("auth.app_token")) is type(em.auth_app_token())
    rc = emu.rongcloud()
    r = rc.call("user.register", {"user_id": "sec", "name": "n"})
    assert r["token"] and r["token"] not in repr(r)

    import asyncio

    async def main():
        r = await emu.async_easemob().call("auth.app_token")
        assert r["access_token"] and r["access_token"] not in repr(r)

    asyncio.run(main())
