#!/usr/bin/env python3
"""Generate python/imcloud/_generated.py from the endpoint catalogue (core/catalogue/*.json).

Every operation becomes a method with keyword arguments (snake_case, typed, documented with its
limits) on the sync and the asyncio client, and a result class with typed attributes.
`--check` fails if the committed file is not what the catalogue gives.
"""

from __future__ import annotations

import json
import keyword
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "scripts"))
import textwrap

import catalogue_gen
from catalogue_gen import limits

ROOT = pathlib.Path(__file__).resolve().parent
OUT = ROOT / "python" / "imcloud" / "_generated.py"


API_NAMES = {"rongcloud": "RongCloud", "easemob": "Easemob"}


def camel(name: str) -> str:
    if name in API_NAMES:
        return API_NAMES[name]
    return "".join(part.capitalize() for part in name.replace(".", "_").split("_"))


def method_name(op: str) -> str:
    return op.replace(".", "_")


def py_name(name: str) -> str:
    return name + "_" if keyword.iskeyword(name) else name


def py_type(p: dict) -> str:
    t = p["type"]
    enum = p.get("enum")
    if enum and t == "string":
        return "Literal[" + ", ".join(json.dumps(v) for v in enum) + "]"
    return {
        "string": "str",
        "int": "int",
        "bool": "bool",
        "string_list": "Sequence[str]",
        "json": "Any",
        "json_string": "Union[Mapping[str, Any], str]",
        "object_list": "Sequence[Mapping[str, Any]]",
        "string_map": "Mapping[str, str]",
        "file": "FileInput",
    }[t]


ACCESSOR = {"string": "_str", "int": "_int", "bool": "_bool", "string_list": "_strs", "object_list": "_objs"}


def field_type(f: dict) -> str:
    return {
        "string": "Optional[str]",
        "int": "Optional[int]",
        "bool": "Optional[bool]",
        "string_list": "Optional[List[str]]",
        "object_list": "Optional[List[Dict[str, Any]]]",
    }.get(f["type"], "Any")


TYPE_WORDS = {
    "string": "a str",
    "int": "an int",
    "bool": "a bool",
    "string_list": "a list of str",
    "json": "any JSON value (usually a dict)",
    "json_string": "a dict, or a str holding JSON",
    "object_list": "a list of dicts",
    "string_map": "a dict of str to str",
}


def docstring(op: dict, extra: list[str]) -> str:
    lines = [op["summary"], "", f"``{op['method']} {op['path']}`` — catalogue operation ``{op['name']}``."]
    params = [p for p in op["params"]]
    if params or extra:
        lines += ["", "Args:"]
        for p in params:
            desc = p.get("doc", "")
            lim = limits(p)
            kind = TYPE_WORDS.get(p["type"], p["type"])
            text = " ".join(x for x in [desc, f"({kind}; {lim})" if lim else f"({kind})", "Required." if p.get("required") else ""] if x)
            lines.append(f"    {py_name(p['name'])}: {text}")
        lines += [f"    {x}" for x in extra]
    return "\n".join(lines)


def indent(text: str, n: int) -> str:
    return textwrap.indent(text, " " * n)


def properties(fields: list) -> list:
    """A typed read-only property per declared field."""
    lines = []
    for f in fields:
        lines += ["", "    @property", f"    def {py_name(f['name'])}(self) -> {field_type(f)}:"]
        if f.get("doc"):
            lines.append(f'        """{f["doc"]}"""')
        lines.append(f"        return self.{ACCESSOR.get(f['type'], '_get')}({f['wire']!r})")
    return lines


def result_class(api: str, op: dict) -> tuple[str, str]:
    """The result class of an operation, and its name."""
    name = camel(api) + camel(op["name"]) + "Result"
    resp = op["response"]
    fields = resp.get("fields", [])
    secrets = [f["wire"] for f in fields if f.get("secret")]
    if resp["shape"] == "bytes":
        return "", "DownloadResult"
    lines = []
    if resp["shape"] == "array" and fields:
        item = name[: -len("Result")] + "Item"
        lines.append(f"class {item}(Item):")
        lines.append(f'    """One item of the result of ``{op["name"]}``."""')
        lines.append(f"    _secret_fields = {tuple(secrets)!r}")
        lines += properties(fields)
        lines += ["", ""]
        lines.append(f"class {name}(ListResult[{item}]):")
        lines.append(f'    """The result of ``{op["name"]}``: a list of :class:`{item}`."""')
        lines.append(f"    _item = {item}")
        lines.append(f"    _secret_fields = {tuple(secrets)!r}")
    else:
        lines.append(f"class {name}(Result):")
        lines.append(f'    """The result of ``{op["name"]}``."""')
        lines.append(f"    _secret_fields = {tuple(secrets)!r}")
        lines += properties(fields)
    return "\n".join(lines), name


def method(api: str, op: dict, result: str, is_async: bool) -> str:
    params = op["params"]
    file_param = next((p for p in params if p["type"] == "file"), None)
    sig = ["self", "*"]
    required = [p for p in params if p.get("required") and p["type"] != "file" and p.get("default") is None]
    optional = [p for p in params if p not in required and p["type"] != "file"]
    extra_doc = []
    if file_param is not None:
        sig.append(f"{file_param['name']}: FileInput")
        sig.append("filename: Optional[str] = None")
        extra_doc.append(f"{file_param['name']}: the file: a path, bytes, or a binary file object (streamed; {limits(file_param)}).")
        extra_doc.append("filename: the name sent for bytes or a file object (a path sends its own name).")
    if op.get("download"):
        sig.append("dest: FileDest")
        extra_doc.append("dest: where the file goes: a path, or a binary file object (streamed).")
    for p in required:
        sig.append(f"{py_name(p['name'])}: {py_type(p)}")
    for p in optional:
        sig.append(f"{py_name(p['name'])}: Optional[{py_type(p)}] = None")
    args = "{" + ", ".join(f"{p['name']!r}: {py_name(p['name'])}" for p in params if p["type"] != "file") + "}"
    ret = result
    doc = docstring(op, extra_doc)
    prefix = "async def" if is_async else "def"
    aw = "await " if is_async else ""
    if file_param is not None:
        body = f"return {aw}self._upload({op['name']!r}, {args}, {file_param['name']}, filename, {result})"
    elif op.get("download"):
        body = f"return {aw}self._download({op['name']!r}, {args}, dest)"
    else:
        body = f"return {aw}self._call({op['name']!r}, {args}, {result})"
    out = [f"{prefix} {method_name(op['name'])}(", indent(",\n".join(sig) + ",", 4), f") -> {ret}:"]
    out.append(indent('"""' + doc + '\n"""', 4))
    out.append(indent(body, 4))
    return "\n".join(out)


def generate() -> str:
    parts = [
        '"""Generated by bindings-python/generate.py from core/catalogue/*.json. Do not edit."""',
        "",
        "from __future__ import annotations",
        "",
        "from typing import Any, Dict, List, Literal, Mapping, Optional, Sequence, Union",
        "",
        "from ._base import DownloadResult, FileDest, FileInput, Item, ListResult, Result, _AsyncClient, _SyncClient",
        "",
    ]
    for api in ("rongcloud", "easemob"):
        cat = catalogue_gen.load(api)
        results = {}
        for op in cat["operations"]:
            code, name = result_class(api, op)
            results[op["name"]] = name
            if code:
                parts += ["", code, ""]
        for is_async in (False, True):
            cls = ("Async" if is_async else "") + camel(api) + "Operations"
            kind = "asyncio" if is_async else "blocking"
            base = "_AsyncClient" if is_async else "_SyncClient"
            parts += ["", f"class {cls}({base}):", f'    """Every {api} operation of the catalogue ({kind})."""', ""]
            typed = {n: r for n, r in results.items() if r != "DownloadResult"}
            parts.append("    _results = {")
            parts += [f"        {n!r}: {r}," for n, r in typed.items()]
            parts.append("    }")
            parts.append("")
            for op in cat["operations"]:
                parts.append(indent(method(api, op, results[op["name"]], is_async), 4))
                parts.append("")
            if is_async:
                parts[-1:] = [""]
        parts.append("")
    text = "\n".join(parts)
    while "\n\n\n\n" in text:
        text = text.replace("\n\n\n\n", "\n\n\n")
    return text.rstrip() + "\n"


if __name__ == "__main__":
    sys.exit(catalogue_gen.main(generate, OUT, "python3 bindings-python/generate.py"))
