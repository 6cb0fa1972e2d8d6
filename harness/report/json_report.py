"""report.json: the stable machine-readable record of a run."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from harness.report.model import RunReport


def write_json(report: RunReport, path: Path, redact: Callable[[str], str]) -> Path:
    text = json.dumps(report.to_dict(), indent=2, ensure_ascii=False, default=str)
    path.write_text(redact(text) + "\n", encoding="utf-8")
    return path
