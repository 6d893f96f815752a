"""The proxy and ca_bundle options reach the core by their names (the core's Rust tests run calls
through a real proxy and a private CA): a bad one is refused when the client is made, naming it,
and a proxy password never shows."""

from __future__ import annotations

import pytest

import imcloud
from imcloud import errors

PASSWORD = "pr0xy-s3cret"


@pytest.mark.parametrize(
    "options, param",
    [
        ({"proxy": f"ftp://alice:{PASSWORD}@proxy.example"}, "proxy"),
        ({"proxy": "not a url"}, "proxy"),
        ({"ca_bundle": "/nonexistent/ca.pem"}, "ca_bundle"),
    ],
)
def test_a_bad_proxy_or_ca_bundle_is_refused_naming_it(emu, options, param):
    with pytest.raises(errors.InvalidArgumentError) as info:
        emu.rongcloud(**options)
    assert info.value.param == param
    assert PASSWORD not in str(info.value) and PASSWORD not in repr(info.value)
    assert emu.requests(0) == [] and emu.requests(1) == []


def test_the_public_constructor_takes_them(emu):
    with pytest.raises(errors.InvalidArgumentError) as info:
        imcloud.RongCloud("k", "s", hosts=emu.hosts, allow_insecure_http=True, ca_bundle="/nonexistent/ca.pem")
    assert info.value.param == "ca_bundle"


def test_a_proxy_password_never_shows_and_an_empty_proxy_is_direct(emu):
    rc = emu.rongcloud(proxy="")
    rc.user_register(user_id="u1", name="Ann")
    assert len(emu.requests(0)) == 1
    dead = emu.rongcloud(proxy=f"http://alice:{PASSWORD}@127.0.0.1:9", max_attempts=1)
    assert PASSWORD not in repr(dead)
    with pytest.raises(errors.ConnectError) as info:
        dead.user_info(user_id="u1")
    assert PASSWORD not in str(info.value) and PASSWORD not in repr(info.value)
