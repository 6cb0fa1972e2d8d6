"""Servers get ports below the kernel's ephemeral range, where no outgoing connection can take them."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.services import ports


def test_a_listening_port_is_below_the_ephemeral_range_and_not_excluded(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "range").write_text("20000\t60999\n")
    monkeypatch.setattr(ports, "EPHEMERAL_RANGE", tmp_path / "range")
    assert ports.ephemeral_start() == 20000
    taken = set(range(ports.LOWEST, 19990))
    found = {ports.listening_port(taken) for _ in range(20)}
    assert found and all(19990 <= p < 20000 for p in found)


def test_without_the_kernels_range_the_linux_default_is_assumed(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ports, "EPHEMERAL_RANGE", tmp_path / "missing")
    assert ports.ephemeral_start() == ports.DEFAULT_EPHEMERAL_START
    assert ports.LOWEST <= ports.listening_port() < ports.DEFAULT_EPHEMERAL_START
