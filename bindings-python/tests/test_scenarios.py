"""The language-neutral scenarios (tests/scenarios/*.json), replayed through the Python binding.
Follows the Rust runner (tests/rust/scenarios.rs); see tests/scenarios/README.md."""

from __future__ import annotations

import io
import json
import re
import urllib.parse
from typing import Any, Dict, List

import pytest

from conftest import REPO
from imcloud import errors
from imcloud.testing import Emulator

FILES = sorted((REPO / "tests" / "scenarios").glob("*.json"))
SCENARIOS = [(f.name, sc) for f in FILES for sc in json.loads(f.read_text(encoding="utf-8"))["scenarios"]]


def subst(v: Any, vars: Dict[str, str]) -> Any:
    if isinstance(v, str):
        m = re.fullmatch(r"\$\{(\d+) (chars|users)\}", v)
        if m:
            n = int(m.group(1))
            return "x" * n if m.group(2) == "chars" else [f"u{i}" for i in range(n)]
        for k, val in vars.items():
            v = v.replace("${" + k + "}", val)
        return v
    if isinstance(v, list):
        return [subst(x, vars) for x in v]
    if isinstance(v, dict):
        return {k: subst(x, vars) for k, x in v.items()}
    return v


def subset(exp: Any, act: Any, at: str) -> None:
    if exp == "$any":
        assert act is not None, f"{at}: missing"
    elif exp == "$nonempty":
        assert isinstance(act, (str, list)) and len(act) > 0, f"{at}: expected non-empty, got {act!r}"
    elif isinstance(exp, dict):
        assert isinstance(act, dict), f"{at}: expected an object, got {act!r}"
        for k, v in exp.items():
            subset(v, act.get(k), f"{at}.{k}")
    elif isinstance(exp, list):
        assert isinstance(act, list) and len(act) == len(exp), f"{at}: expected {len(exp)} items, got {act!r}"
        for i, (e, a) in enumerate(zip(exp, act)):
            subset(e, a, f"{at}[{i}]")
    else:
        assert exp == act, f"{at}: expected {exp!r}, got {act!r}"


def client_for(emu: Emulator, kind: str) -> Any:
    return {"rongcloud": emu.rongcloud, "easemob": emu.easemob, "agora": emu.agora}[kind]()


def invoke(client: Any, op: str, args: Dict[str, Any], file: Any) -> Any:
    kwargs = {("from_" if k == "from" else k): v for k, v in args.items()}
    method = getattr(client, op.replace(".", "_"))
    if file is not None:
        data = file["text"].encode() if "text" in file else b"\0" * file["size"]
        return method(file=data, filename=file["name"], **kwargs).data
    if op.endswith("download"):
        buf = io.BytesIO()
        method(dest=buf, **kwargs)
        return {"downloaded_text": buf.getvalue().decode("utf-8", "replace")}
    return method(**kwargs).data


def header(r: Dict[str, Any], name: str) -> Any:
    return next((v for k, v in r["headers"] if k.lower() == name.lower()), None)


def check_requests(emu: Emulator, op: str, exp: Dict[str, Any]) -> None:
    reqs: List[Dict[str, Any]] = [r for h in range(len(emu.hosts)) for r in emu.requests(h) if r["operation"] == op]
    reqs.sort(key=lambda r: r["at_ms"])
    if "requests_per_host" in exp:
        per = exp["requests_per_host"]
        got = [sum(1 for r in reqs if r["host"] == h) for h in range(len(per))]
        assert got == per, f"requests per host: expected {per}, got {got}"
    if "requests" not in exp:
        return
    assert len(reqs) == len(exp["requests"]), f"expected {len(exp['requests'])} requests of {op}, got {len(reqs)}"
    for i, (want, r) in enumerate(zip(exp["requests"], reqs)):
        at = f"requests[{i}]"
        for key in ("host", "method", "path", "query", "body"):
            if key in want:
                subset(want[key], r[key], f"{at}.{key}")
        if "content_type" in want:
            assert (header(r, "content-type") or "").startswith(want["content_type"]), f"{at}.content_type"
        if "form" in want:
            form: Dict[str, List[str]] = {}
            for k, v in urllib.parse.parse_qsl(r["body"], keep_blank_values=True):
                form.setdefault(k, []).append(v)
            subset(want["form"], form, f"{at}.form")
        if "json" in want:
            subset(want["json"], json.loads(r["body"]), f"{at}.json")
        for name, v in want.get("headers", {}).items():
            assert header(r, name) is not None, f"{at}: header {name} missing"
            subset(v, header(r, name), f"{at}.headers.{name}")


@pytest.mark.parametrize("sc", [s for _, s in SCENARIOS], ids=[f"{f}:{s['name']}" for f, s in SCENARIOS])
def test_scenario(sc: Dict[str, Any]) -> None:
    with Emulator(hosts=sc.get("hosts", 2)) as emu:
        client = client_for(emu, sc["client"])
        vars: Dict[str, str] = {}
        for step in sc.get("setup", []):
            if "fault" in step:
                f = dict(step["fault"])
                host = f.pop("host", 0)
                emu.set_fault(host, f.pop("kind"), **f)
            elif "online" in step:
                emu.set_online(step["online"]["user"], step["online"].get("online", True))
            elif "call" in step:
                c = step["call"]
                res = invoke(client, c["operation"], subst(c["args"], vars), c.get("file"))
                for var, path in step.get("save", {}).items():
                    value = res
                    for key in path.split("."):  # a dotted path: `messageUIDs.0.messageUID`
                        value = value[int(key)] if isinstance(value, list) else value[key]
                    vars[var] = str(value)
        emu.clear_requests()
        expect = subst(sc["expect"], vars)
        op = sc["operation"]
        args = subst(sc["args"], vars)
        if "error" in expect:
            with pytest.raises(errors.ImcloudError) as info:
                try:
                    invoke(client, op, args, sc.get("file"))
                except TypeError:
                    # the typed method refused the arguments itself; the core must refuse them too
                    client.call(op, args)
            e, want = info.value, expect["error"]
            got = {"kind": e.kind, "param": e.param, "http_status": e.http_status, "api_code": e.api_code, "retryable": e.retryable}
            for key in ("kind", "param", "http_status", "api_code", "retryable"):
                if key in want:
                    assert got[key] == want[key], f"error.{key}: expected {want[key]!r}, got {got[key]!r} ({e})"
            for frag in want.get("message_contains", []):
                assert frag in e.message, f"message lacks {frag!r}: {e.message}"
        else:
            res = invoke(client, op, args, sc.get("file"))
            if "result" in expect:
                subset(expect["result"], res, "result")
            if "downloaded_text" in expect:
                subset(expect["downloaded_text"], res["downloaded_text"], "downloaded_text")
        check_requests(emu, op, expect)


def test_scenarios_were_found() -> None:
    assert len(SCENARIOS) >= 30
