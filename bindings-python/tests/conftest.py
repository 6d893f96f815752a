from __future__ import annotations

import keyword
import pathlib
from typing import Any, Callable, Dict

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]

# the Python type of each declared field type (others are plain JSON values): results and events
FIELD_TYPES: Dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "bool": lambda v: isinstance(v, bool),
    "string_list": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
    "object_list": lambda v: isinstance(v, list) and all(isinstance(x, dict) for x in v),
}


def py_name(name: str) -> str:
    """A declared name as the generated Python spells it (a keyword gets a trailing `_`)."""
    return name + "_" if keyword.iskeyword(name) else name


@pytest.fixture
def emu(imcloud_emulator):  # the plugin's fixture, under a short name
    return imcloud_emulator
