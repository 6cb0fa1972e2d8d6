"""The pytest side of ``harness run``'s progress: checks n/N, each outcome and its findings, as they happen.

``harness run`` passes a :class:`ProgressPlugin` to ``pytest.main``. It puts the progress object in
``config.stash[PROGRESS_KEY]`` (where a load or fault phase finds it) and, when ``quiet``, removes
pytest's own terminal reporter so the progress display is the only output.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.progress import Progress
from harness.report import RunReport

PROGRESS_KEY = pytest.StashKey[Progress]()


def label(nodeid: str) -> str:
    """``scenarios/test_routing.py::test_route_reaches_queue[x]`` → ``routing.route_reaches_queue[x]``."""
    path, _, name = nodeid.partition("::")
    module = Path(path).stem.removeprefix("test_")
    return f"{module}.{name.removeprefix('test_')}" if name else module


def first_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:300] if lines else "(no detail)"


class ProgressPlugin:
    def __init__(self, progress: Progress, report: RunReport, quiet: bool = True) -> None:
        self.progress = progress
        self.report = report
        self.quiet = quiet
        self._done: set[str] = set()
        self._records = 0
        self._findings = 0

    @pytest.hookimpl(trylast=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        config.stash[PROGRESS_KEY] = self.progress
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if self.quiet and reporter is not None:
            config.pluginmanager.unregister(reporter)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.progress.line(f"collection error in {report.nodeid or 'scenarios'}: "
                               f"{first_line(report.longreprtext)}")

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.progress.checks_total(len(session.items))

    def pytest_runtest_logstart(self, nodeid: str, location: tuple[str, int | None, str]) -> None:
        self.progress.check_started(label(nodeid))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        finished = report.when == "call" or (report.when == "setup" and report.outcome != "passed")
        if not finished or report.nodeid in self._done:
            return
        self._done.add(report.nodeid)
        status, details = self._outcome(report)
        self.progress.check_done(label(report.nodeid), status, report.duration, details)

    def _outcome(self, report: pytest.TestReport) -> tuple[str, list[str]]:
        """The harness's own record of the check when it made one (failed vs error), else pytest's outcome."""
        records = self.report.checks[self._records:]
        findings = self.report.findings[self._findings:]
        self._records, self._findings = len(self.report.checks), len(self.report.findings)
        details = [f"[{f.severity}] {f.subject}: {f.title}" for f in findings]
        if not records:
            return report.outcome, details
        record = records[-1]
        if record.status == "error" and record.reason:
            details.append(record.reason)
        return record.status, details
