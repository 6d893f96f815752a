"""pytest plugin (registered by the ``imcloud`` package): the ``imcloud_emulator`` fixture."""

from __future__ import annotations

from typing import Iterator

import pytest

from . import Emulator


@pytest.fixture
def imcloud_emulator() -> Iterator[Emulator]:
    """A started emulator with two hosts (primary and backup), stopped after the test."""
    with Emulator() as emu:
        yield emu
