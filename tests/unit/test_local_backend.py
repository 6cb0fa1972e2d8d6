"""The local back-end says what it lacks, in one line, before it tries to start anything."""

from __future__ import annotations

import importlib.util

import pytest

from harness.services import local
from harness.services.local import LocalBackend


def test_without_the_local_extra_the_backend_names_the_missing_packages_and_the_extra(
        monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(local, "find_rabbitmq_server", lambda: "/usr/sbin/rabbitmq-server")
    monkeypatch.setattr(local, "find_pg_ctl", lambda: "/usr/bin/pg_ctl")
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None if name == "pytest_rabbitmq" else real(name))
    ok, why = LocalBackend().availability()
    assert not ok
    assert why == ("pytest_rabbitmq not installed: the harness's optional extra "
                   "(pip install 'migration-harness[local]')")
