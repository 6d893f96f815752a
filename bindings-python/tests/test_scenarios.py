"""The language-neutral scenarios (tests/scenarios/*.json), replayed through the Python binding's
typed methods, sync and asyncio. Follows the Rust runner (tests/rust/scenarios.rs); see
tests/scenarios/README.md.

Every catalogue operation is the call under test of some scenario (the Rust runner checks that), so
replaying them all calls every operation here too, and every successful call's result is checked
against the declaration: it is the operation's generated result class, and each declared field reads
through its property as the declared Python type (or None). Nothing here names an operation."""

from __future__ import annotations

import asyncio
import io
import json
import re
import urllib.parse
from typing import Any, Dict, List, Optional, Set, Tuple

import pytest

import imcloud
from conftest import FIELD_TYPES, REPO, py_name
from imcloud import _generated, errors
from imcloud.testing import Emulator

DIR = REPO / "tests" / "scenarios"
FILES = sorted(DIR.glob("*.json"))
SCENARIOS = [(f.name, sc) for f in FILES for sc in json.loads(f.read_text(encoding="utf-8"))["scenarios"]]
MODES = ("sync", "async")
REPLAYED: Set[Tuple[str, str, str]] = set()
"""(mode, file, scenario) of each scenario replayed to its end."""

# the catalogue each client kind speaks, and the prefix of its generated result classes
CLOUD = {"rongcloud": "rongcloud", "easemob": "easemob", "agora": "easemob"}
PREFIX = {"rongcloud": "RongCloud", "easemob": "Easemob"}
OPERATIONS = {cloud: {op["name"]: op for op in imcloud.catalogue(cloud)["operations"]} for cloud in PREFIX}


def result_class_name(cloud: str, op: str) -> str:
    return PREFIX[cloud] + "".join(part[:1].upper() + part[1:] for part in re.split(r"[._]", op)) + "Result"


def get_path(value: Any, path: str) -> Any:
    """The value at a dotted path (``data.entities.0``; ``$`` is the root), or None."""
    if path == "$":
        return value
    for part in path.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def check_typed(kind: str, op: str, result: Any) -> None:
    """``result`` (of a typed call of ``op``) is the operation's generated result class, and each
    declared field reads through its property as its declared type, present whenever it was sent."""
    cloud = CLOUD[kind]
    decl = OPERATIONS[cloud][op]
    if decl["response"]["shape"] == "bytes":
        assert isinstance(result, imcloud.DownloadResult), f"{op}: expected a DownloadResult, got {result!r}"
        return
    cls = getattr(_generated, result_class_name(cloud, op), None)
    assert cls is not None, f"{op}: no generated {result_class_name(cloud, op)}"
    assert type(result) is cls, f"{op}: expected a {cls.__name__}, got {type(result).__name__}"
    fields = decl["response"].get("fields", [])
    if issubclass(cls, imcloud.ListResult):
        assert decl["response"]["shape"] == "array", f"{op}: a list result for a {decl['response']['shape']} answer"
        items = list(result)
        assert len(items) == len(result.data), f"{op}: {len(items)} items of {len(result.data)}"
        assert all(type(item) is cls._item for item in items), f"{op}: items are not {cls._item.__name__}"
        objects: List[Tuple[Any, Any]] = [(item, item.raw) for item in items]
    else:
        objects = [(result, result.data)]
    for typed, sent in objects:
        for f in fields:
            value = getattr(typed, py_name(f["name"]))
            wire = get_path(sent, f["wire"])
            where = f"{op}.{f['name']} = {value!r} (sent {wire!r})"
            if wire is not None:
                assert value is not None, f"{where}: sent but reads as None"
            if value is not None and f["type"] in FIELD_TYPES:
                assert FIELD_TYPES[f["type"]](value), f"{where} is not a {f['type']}"


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


def client_for(emu: Emulator, kind: str, mode: str) -> Any:
    return getattr(emu, kind if mode == "sync" else f"async_{kind}")()


def settle(value: Any) -> Any:
    """The value of a call: an async client's coroutine is run to its end."""
    return asyncio.run(value) if asyncio.iscoroutine(value) else value


def invoke(client: Any, kind: str, op: str, args: Dict[str, Any], file: Any) -> Any:
    """Call ``op`` through its typed method; check the typed result; answer what the scenario
    compares (the result's ``data``, or the downloaded text)."""
    kwargs = {py_name(k): v for k, v in args.items()}
    method = getattr(client, op.replace(".", "_"))
    buf: Optional[io.BytesIO] = None
    if file is not None:
        data = file["text"].encode() if "text" in file else b"\0" * file["size"]
        result = settle(method(file=data, filename=file["name"], **kwargs))
    elif OPERATIONS[CLOUD[kind]].get(op, {}).get("response", {}).get("shape") == "bytes":
        buf = io.BytesIO()
        result = settle(method(dest=buf, **kwargs))
    else:
        result = settle(method(**kwargs))
    check_typed(kind, op, result)
    if buf is not None:
        assert result.bytes == len(buf.getvalue()), f"{op}: {result.bytes} bytes reported, {len(buf.getvalue())} written"
        return {"downloaded_text": buf.getvalue().decode("utf-8", "replace")}
    return result.data


MAX_PAGES = 100
"""More pages than any scenario reads: a list that does not end fails instead of hanging."""


def invoke_pages(client: Any, kind: str, op: str, args: Dict[str, Any]) -> List[Any]:
    """Read ``op`` through its typed page iterator (``…_pages``; sync or async) to the end; check
    each page's typed result; answer the pages' ``data``."""
    kwargs = {py_name(k): v for k, v in args.items()}
    it = getattr(client, op.replace(".", "_") + "_pages")(**kwargs)
    pages: List[Any] = []

    async def read_async() -> None:
        async for page in it:
            pages.append(page)
            assert len(pages) <= MAX_PAGES, f"{op}: more than {MAX_PAGES} pages"

    if hasattr(it, "__anext__"):
        asyncio.run(read_async())
    else:
        for page in it:
            pages.append(page)
            assert len(pages) <= MAX_PAGES, f"{op}: more than {MAX_PAGES} pages"
    for page in pages:
        check_typed(kind, op, page)
    return [page.data for page in pages]


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


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("file,sc", SCENARIOS, ids=[f"{f}:{s['name']}" for f, s in SCENARIOS])
def test_scenario(file: str, sc: Dict[str, Any], mode: str) -> None:
    with Emulator(hosts=sc.get("hosts", 2)) as emu:
        kind = sc["client"]
        client = client_for(emu, kind, mode)
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
                res = invoke(client, kind, c["operation"], subst(c["args"], vars), c.get("file"))
                for var, path in step.get("save", {}).items():
                    v = get_path(res, path)
                    assert v is not None, f"setup result has no {path}: {res!r}"
                    vars[var] = v if isinstance(v, str) else json.dumps(v)
            else:
                raise AssertionError(f"unknown setup step {step!r}")
        emu.clear_requests()
        expect = subst(sc["expect"], vars)
        op = sc["operation"]
        args = subst(sc["args"], vars)
        if "error" in expect:
            with pytest.raises(errors.ImcloudError) as info:
                try:
                    invoke(client, kind, op, args, sc.get("file"))
                except TypeError:
                    # the typed method refused the arguments itself; the core must refuse them too
                    settle(client.call(op, args))
            e, want = info.value, expect["error"]
            got = {"kind": e.kind, "param": e.param, "http_status": e.http_status, "api_code": e.api_code, "retryable": e.retryable}
            for key in ("kind", "param", "http_status", "api_code", "retryable"):
                if key in want:
                    assert got[key] == want[key], f"error.{key}: expected {want[key]!r}, got {got[key]!r} ({e})"
            for frag in want.get("message_contains", []):
                assert frag in e.message, f"message lacks {frag!r}: {e.message}"
        else:
            # a success goes through the typed method only (a TypeError here fails the scenario)
            if sc.get("pages"):
                res = invoke_pages(client, kind, op, args)
            else:
                res = invoke(client, kind, op, args, sc.get("file"))
            if "pages" in expect:
                subset(expect["pages"], res, "pages")
            if "result" in expect:
                subset(expect["result"], res, "result")
            if "downloaded_text" in expect:
                subset(expect["downloaded_text"], res["downloaded_text"], "downloaded_text")
        check_requests(emu, op, expect)
    REPLAYED.add((mode, file, sc["name"]))


def test_the_scenario_directory_holds_only_scenario_files() -> None:
    # a file the glob above misses would be skipped silently
    others = sorted(p.name for p in DIR.iterdir() if p.name != "README.md" and p not in FILES)
    assert others == [], f"not replayed (only *.json files are): {others}"
    names = [(f, sc["name"]) for f, sc in SCENARIOS]
    assert len(set(names)) == len(names), "scenario names repeat within a file"
    assert len(SCENARIOS) >= 30


def test_every_scenario_was_replayed(request: pytest.FixtureRequest) -> None:
    """Runs after the scenarios (pytest keeps a module's order): each one replayed to its end, in
    both modes. Skipped when only some scenarios were selected (-k)."""
    counted = sum(len(json.loads(f.read_text(encoding="utf-8"))["scenarios"]) for f in FILES)
    selected = [item for item in request.session.items if getattr(item, "originalname", None) == "test_scenario"]
    if len(selected) < counted * len(MODES):
        pytest.skip("only some scenarios were selected")
    missing = {(m, f, sc["name"]) for m in MODES for f, sc in SCENARIOS} - REPLAYED
    assert not missing, f"not replayed to their end: {sorted(missing)}"
    assert len(REPLAYED) == counted * len(MODES)
