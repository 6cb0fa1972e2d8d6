"""Helpers for the harness's own tests."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]


def interruptible() -> None:
    """``preexec_fn`` for a run the test will Ctrl-C: a test suite started in the background (``make test &``,
    nohup) inherits SIGINT ignored, and Python then never turns it into KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
HARNESS = str(Path(sys.executable).parent / "harness")
TARGETS = ROOT / "tests" / "targets"
OLD_PYTHON = ROOT / ".venv-celery5old" / "bin" / "python"


@dataclass
class HarnessRun:
    code: int
    stdout: str
    stderr: str
    report_dir: Path

    @property
    def report(self) -> dict[str, Any]:
        reports = sorted(self.report_dir.glob("*/report.json"))
        assert reports, f"no report written; stderr: {self.stderr[-500:]}"
        data: dict[str, Any] = json.loads(reports[-1].read_text())
        return data

    def findings(self, check: str | None = None) -> list[dict[str, Any]]:
        return [f for f in self.report["findings"] if check is None or f["check"] == check]


STOP_GRACE_S = 180  # as long as test_cleanup gives an interrupted run


def run_harness(*args: str, report_dir: Path, env: dict[str, str] | None = None,
                timeout: float = 240, cwd: Path = ROOT) -> HarnessRun:
    command = [HARNESS, *args]
    if args and args[0] in ("run", "ab"):  # before any "--": what follows it goes to pytest
        at = args.index("--") if "--" in args else len(args)
        command = [HARNESS, *args[:at], "--report-dir", str(report_dir), *args[at:]]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd,
                            env={**os.environ, **(env or {})})
    try:
        out, err = proc.communicate(timeout=timeout)
    except KeyboardInterrupt:  # the run got the same Ctrl-C: let it stop what it started (run() kills it)
        proc.wait(timeout=STOP_GRACE_S)
        raise
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise
    return HarnessRun(proc.returncode, out, err, report_dir)


@pytest.fixture
def harness(tmp_path: Path):  # type: ignore[no-untyped-def]
    calls = iter(range(1000))

    def run(*args: str, **kwargs: Any) -> HarnessRun:
        return run_harness(*args, report_dir=tmp_path / f"reports-{next(calls)}", **kwargs)
    return run
