from __future__ import annotations

import pathlib

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def emu(imcloud_emulator):  # the plugin's fixture, under a short name
    return imcloud_emulator
