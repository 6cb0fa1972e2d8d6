"""Report writers. They take a RunReport and a redactor; none imports pytest or Locust."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from harness.report.html import write_html
from harness.report.json_report import write_json
from harness.report.junit import write_junit
from harness.report.model import CheckRecord, RunReport

__all__ = ["CheckRecord", "RunReport", "point_latest", "write_run"]


def write_run(report: RunReport, run_dir: Path, redact: Callable[[str], str], latest: bool = True) -> Path:
    """Write every report format into ``run_dir`` and (unless it is part of a larger run) point ``latest``
    at it."""
    run_dir.mkdir(parents=True, exist_ok=True)
    write_json(report, run_dir / "report.json", redact)
    write_junit(report, run_dir / "junit.xml", redact)
    write_html(report, run_dir / "report.html", redact)
    if latest:
        point_latest(run_dir)
    return run_dir / "report.json"


def point_latest(run_dir: Path) -> None:
    latest = run_dir.parent / "latest"
    try:
        if latest.is_symlink() or latest.exists():
            latest.unlink()
        os.symlink(run_dir.name, latest)
    except OSError:
        pass
