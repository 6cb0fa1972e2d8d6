"""report.json: the stable machine-readable record of a run."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from harness.redact import redact_tree
from harness.report.model import RunReport


def write_json(report: RunReport, path: Path, redact: Callable[[str], str]) -> Path:
    text = json.dumps(redact_tree(report.to_dict(), redact), indent=2, ensure_ascii=False, default=str)
    path.write_text(redact(text) + "\n", encoding="utf-8")
    return path
