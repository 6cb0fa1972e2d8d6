"""Helpers for the harness's own tests."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
DURATIONS = Path(__file__).with_name("durations.txt")
UNLISTED_LIVE_S = 20.0  # a live test not in durations.txt is ordered as if it took this long
SHARED_RUNS_PREFIX = "harness-shared-runs-"


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


def shared_runs_folder(session_id: str) -> Path:
    """Where the test processes of one session share the gate runs they all judge."""
    return Path(tempfile.gettempdir()) / f"{SHARED_RUNS_PREFIX}{session_id}"


def pytest_configure(config: pytest.Config) -> None:
    """The controller names the session before pytest-xdist starts its workers, so it can remove the
    folder they share when the session ends."""
    if not hasattr(config, "workerinput") and getattr(config.option, "numprocesses", None):
        config.option.testrunuid = config.option.testrunuid or uuid.uuid4().hex


def pytest_sessionfinish(session: pytest.Session) -> None:
    if hasattr(session.config, "workerinput"):
        return
    session_id = getattr(session.config.option, "testrunuid", None) or f"pid{os.getpid()}"
    shutil.rmtree(shared_runs_folder(session_id), ignore_errors=True)


def recorded_durations() -> dict[str, float]:
    lines = DURATIONS.read_text(encoding="utf-8").splitlines() if DURATIONS.exists() else []
    return {node: float(seconds) for seconds, _, node in (line.partition(" ") for line in lines
                                                          if line and not line.startswith("#"))}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Longest first: pytest-xdist's workers then steal short tests at the end instead of one worker
    finishing a long one alone. Without xdist the order only changes the order of the reports."""
    durations = recorded_durations()

    def expected_s(item: pytest.Item) -> float:
        default = UNLISTED_LIVE_S if item.get_closest_marker("live") else 0.0
        return durations.get(item.nodeid, default)
    items.sort(key=expected_s, reverse=True)


def _cpu_s() -> float:
    """CPU seconds of this process and of every descendant it has waited for (the harness runs a test
    started, their servers and target processes, once they have ended)."""
    mine, theirs = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + theirs.ru_utime + theirs.ru_stime


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, object, object]:
    """With TEST_CPU_LOG set (make durations), each test's CPU seconds, its own and its processes', are
    appended to that file: on a 2-core machine the live suite is bound by CPU, not by waiting."""
    log, before = os.environ.get("TEST_CPU_LOG"), _cpu_s()
    try:
        return (yield)
    finally:
        if log:
            with open(log, "a", encoding="utf-8") as out:
                out.write(f"{_cpu_s() - before:.1f} {item.nodeid}\n")
