"""The stubs match the native module, and the package and the examples type-check."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import REPO

BINDING = REPO / "bindings-python"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, cwd=BINDING, timeout=600)


def test_stubs_match_the_native_module():
    pytest.importorskip("mypy")
    p = run("mypy.stubtest", "imcloud._native")
    assert p.returncode == 0, p.stdout + p.stderr


def test_package_and_examples_type_check():
    pytest.importorskip("mypy")
    p = run("mypy", "--strict", "--no-error-summary", "python/imcloud", "examples/quickstart.py")
    assert p.returncode == 0, p.stdout + p.stderr


def test_quickstart_runs():
    p = subprocess.run([sys.executable, str(BINDING / "examples" / "quickstart.py")], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "via backup" in p.stdout
