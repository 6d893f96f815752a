"""`python -m imcloud.emulator`: the emulator as a process, for tests in other languages."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
from typing import Any, Dict, Iterator, List

import pytest

import imcloud
from imcloud import Easemob, RongCloud, errors
from imcloud import emulator as emulator_cli


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "imcloud.emulator", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def ready(p: subprocess.Popen) -> Dict[str, Any]:
    line = p.stdout.readline()
    assert line, p.stderr.read()
    result: Dict[str, Any] = json.loads(line)
    return result


def free_ports(n: int) -> List[int]:
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def refused(url: str) -> bool:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    try:
        socket.create_connection((host, int(port)), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


@pytest.fixture
def proc() -> Iterator[subprocess.Popen]:
    procs: List[subprocess.Popen] = []

    def make(*args: str) -> subprocess.Popen:
        p = start(*args)
        procs.append(p)
        return p

    yield make  # type: ignore[misc]
    for p in procs:
        if p.poll() is None:
            p.kill()
        p.wait(10)
        p.stdout.close()
        p.stderr.close()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serves_both_clouds_until_a_signal_then_exits_0(proc, sig):
    p = proc()
    line = ready(p)
    assert len(line["hosts"]) == 2
    assert line["admin"].startswith("http://127.0.0.1:")
    assert line["rongcloud"]["hosts"] == line["easemob"]["hosts"] == line["agora"]["hosts"] == line["hosts"]
    assert "admin API" in p.stderr.readline()  # the line for people

    rc = line["rongcloud"]
    r = RongCloud(rc["app_key"], rc["app_secret"], hosts=rc["hosts"], allow_insecure_http=True).user_register(user_id="u1", name="Ann")
    assert r.token and r.host == line["hosts"][0]
    em = line["easemob"]
    ease = Easemob(em["app_key"], client_id=em["client_id"], client_secret=em["client_secret"], hosts=em["hosts"], allow_insecure_http=True)
    assert ease.user_register_batch(users=[{"username": "alice", "password": "a"}]).host == line["hosts"][0]
    # wrong credentials are refused: it is the emulator checking them, not an open door
    with pytest.raises(errors.AuthenticationError):
        RongCloud(rc["app_key"], "not-the-secret", hosts=rc["hosts"], allow_insecure_http=True).user_register(user_id="u2", name="Bob")

    p.send_signal(sig)
    assert p.wait(10) == 0
    assert all(refused(h) for h in line["hosts"] + [line["admin"]])


def test_fixed_ports_and_number_of_hosts(proc):
    *hosts, admin = free_ports(4)
    p = proc("--hosts", "3", "--ports", ",".join(map(str, hosts)), "--admin-port", str(admin), "--bind", "127.0.0.1")
    line = ready(p)
    assert line["hosts"] == [f"http://127.0.0.1:{port}" for port in hosts]
    assert line["admin"] == f"http://127.0.0.1:{admin}"
    r = RongCloud("emulator-app-key", "emulator-app-secret", hosts=[line["hosts"][2]], allow_insecure_http=True)
    assert r.user_register(user_id="u1", name="Ann").host == line["hosts"][2]
    p.terminate()
    assert p.wait(10) == 0


def test_a_port_in_use_fails_with_status_1_saying_why(proc):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        p = proc("--ports", str(busy.getsockname()[1]))
        assert p.wait(10) == 1
        assert p.stdout.read() == ""
        assert "cannot start" in p.stderr.read()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--hosts", "0"], "not a positive number"),
        (["--ports", "70000"], "not a port number"),
        (["--hosts", "1", "--ports", "0,0"], "2 ports for 1 hosts"),
        (["--bind", "nowhere"], "cannot start"),
    ],
)
def test_bad_options_are_refused(proc, args, message):
    p = proc(*args)
    code = p.wait(10)
    assert code == (1 if message == "cannot start" else 2)
    assert message in p.stderr.read()


def test_help_documents_the_options(proc):
    p = proc("--help")
    assert p.wait(10) == 0
    out = p.stdout.read()
    for option in ("--hosts", "--bind", "--ports", "--admin-port", "SIGTERM"):
        assert option in out


def test_a_build_without_the_emulator_says_which_feature_it_needs(monkeypatch, capsys):
    monkeypatch.delattr(imcloud._native, "EmulatorHandle")
    assert emulator_cli.main([]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "build with the `testing` feature" in captured.err
