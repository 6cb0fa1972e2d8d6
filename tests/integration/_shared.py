"""Runs made once per test session and read by every test process that needs them.

Under pytest-xdist a module's tests may land on different processes, each of which would otherwise make the
module's run again. Here a run is made by whichever process takes its lock first; it writes the outcome (JSON)
beside the run's own folder, and the others wait on the lock and read it. The folder is the test session's
(``PYTEST_XDIST_TESTRUNUID``), removed by the controller at the end (``tests/conftest.py``).
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import shared_runs_folder


def shared_folder() -> Path:
    """The folder every test process of this session uses for the runs."""
    folder = shared_runs_folder(os.environ.get("PYTEST_XDIST_TESTRUNUID") or f"pid{os.getpid()}")
    folder.mkdir(exist_ok=True)
    return folder


def made_once(key: str, make: Callable[[Path], dict[str, Any]]) -> dict[str, Any]:
    """The outcome of ``make(folder)`` for ``key``: made here unless another test process made it, or is
    making it (then this one waits). ``folder`` is the run's own, kept until the session ends."""
    base = shared_folder()
    outcome = base / f"{key}.json"
    with (base / f"{key}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not outcome.exists():
            outcome.write_text(json.dumps(make(base / key)))
    loaded: dict[str, Any] = json.loads(outcome.read_text())
    return loaded
