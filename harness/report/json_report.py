"""report.json: the stable machine-readable record of a run."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness.redact import redact_tree
from harness.report.model import RunReport


def write_json(report: RunReport, path: Path, redact: Callable[[str], str]) -> Path:
    return write_dict(report.to_dict(), path, redact)


def write_dict(data: dict[str, Any], path: Path, redact: Callable[[str], str] = str) -> Path:
    """A report dict that is not a RunReport (``harness ab``'s comparison), masked the same way."""
    text = json.dumps(redact_tree(data, redact), indent=2, ensure_ascii=False, default=str)
    path.write_text(redact(text) + "\n", encoding="utf-8")
    return path
