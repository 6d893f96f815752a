"""Shared by the code generators written in Python (bindings-python/generate.py,
bindings-uniffi/generate.py): reading the catalogue, describing limits, writing or checking output."""

from __future__ import annotations

import json
import pathlib
import sys
from typing import Callable

CATALOGUE = pathlib.Path(__file__).resolve().parent.parent / "core" / "catalogue"


def load(cloud: str) -> dict:
    """The catalogue of ``rongcloud`` or ``easemob``."""
    return json.loads((CATALOGUE / f"{cloud}.json").read_text(encoding="utf-8"))


def limits(p: dict) -> str:
    """A parameter's declared limits in words, e.g. ``at most 512 characters; 1..1000``."""
    out = []
    if p.get("max_len") is not None:
        out.append(f"at most {p['max_len']} characters" + (" each" if p["type"] == "string_list" else ""))
    elif p.get("min_len"):
        out.append("not empty")
    if p.get("max_bytes") is not None:
        out.append(f"at most {p['max_bytes']} bytes")
    if p.get("min") is not None or p.get("max") is not None:
        out.append(f"{p.get('min', '…')}..{p.get('max', '…')}")
    if p.get("max_items") is not None:
        out.append(f"at most {p['max_items']} items")
    if p.get("max_items_by"):
        by = p["max_items_by"]
        out.append("at most " + ", ".join(f"{n} for {k}" for k, n in by["values"].items()) + f" (by {by['param']})")
    if p.get("max_size") is not None:
        out.append(f"at most {p['max_size'] // (1024 * 1024)} MB")
    if p.get("enum"):
        out.append("one of " + ", ".join(p["enum"]))
    return "; ".join(out)


def main(generate: Callable[[], str], out: pathlib.Path, regenerate: str) -> int:
    """Write `out`, or with ``--check`` fail if it is not what `generate` gives."""
    text = generate()
    if "--check" in sys.argv:
        if not out.exists() or out.read_text(encoding="utf-8") != text:
            print(f"{out} is out of date: run {regenerate}", file=sys.stderr)
            return 1
        print("generated code is up to date")
        return 0
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}")
    return 0
