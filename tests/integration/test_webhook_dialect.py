"""The webhook dialect end to end: a service that reads only Monday's native body (``event.type``).

Sent its own dialect (the default for a user's target) it passes the webhook checks; sent the document's
flavour (``[webhook] dialect = "document"`` in the project's harness.toml) it answers 200 and enqueues
nothing, which is one "accepted but ignored" finding: not a lost message, and no other check's defect.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.checks.ignored import ENQUEUES
from tests.conftest import TARGETS

pytestmark = [pytest.mark.live, pytest.mark.slow]
EXT = ("--services", "external", "--quick", "--no-load")
NATIVE = str(TARGETS / "native_only_target.py")


def test_native_bodies_pass_the_webhook_checks(harness) -> None:
    run = harness("run", "--target", NATIVE, *EXT)
    assert run.code == 0, run.stdout[-2000:]
    assert run.report["findings"] == []
    webhook = [c for c in run.report["checks"] if c["id"] == ENQUEUES or c["id"].startswith("security.")]
    assert webhook and {c["status"] for c in webhook if c["id"] != "security.signature_comparison_constant_time"} \
        <= {"passed"}, webhook


def test_the_documents_flavour_is_accepted_but_ignored_once(harness, tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "harness.toml").write_text('[webhook]\ndialect = "document"\n', encoding="utf-8")
    run = harness("run", "--target", NATIVE, *EXT, cwd=project)
    assert run.code == 1, run.stdout[-2000:]
    [finding] = run.findings()
    assert finding["check"] == ENQUEUES and finding["severity"] == "high"
    assert finding["title"] == ("accepted but ignored: no task was enqueued for 2 valid deliveries; the target "
                                "may expect another payload shape (dialect document)")
    skipped = {c["id"]: c.get("reason", "") for c in run.report["checks"] if c["status"] == "skipped"}
    assert "accepted but ignored" in skipped["security.valid_delivery_enqueued_once"]
