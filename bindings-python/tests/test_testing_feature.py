"""`imcloud.testing` in a build without the emulator (no `testing` feature) says how to get it."""

import pytest

import imcloud
from imcloud import testing


def test_a_build_without_the_emulator_says_which_feature_it_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(imcloud._native, "EmulatorHandle")
    with pytest.raises(RuntimeError, match="build with the `testing` feature"):
        testing.Emulator()


def test_this_build_has_the_emulator() -> None:
    with testing.Emulator(hosts=1) as emu:
        assert len(emu.hosts) == 1
