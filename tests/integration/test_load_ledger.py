"""The load phase of ``harness run`` keeps a message ledger: every webhook Locust sent, and what became of it.

Each test opens a session on the external services (RabbitMQ guest/guest, PostgreSQL on 127.0.0.1) with
its target and runs the real load phase (``add_load_phase``, the ``--quick`` plan: 50 webhooks/s for
5 s after a 2 s warm-up) against it, with the session's own tap, probe log and result backend.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from harness.config import RunOptions, load_config, services_from_env
from harness.findings import Severity
from harness.load.phase import MEDIAN_CHECK, REACH_CHECK, add_load_phase
from harness.load.phase_ledger import CHECK, RECORDS
from harness.report.model import RunReport
from harness.session import open_session
from tests.conftest import ROOT, TARGETS

pytestmark = [pytest.mark.live, pytest.mark.slow]
LOCUSTFILE = ROOT / "scenarios" / "locust_webhook.py"


def load_phase(target: str, run_dir: Path) -> RunReport:
    name = target if target == "reference" else str(TARGETS / f"{target}_target.py")
    config = load_config(ROOT, services_from_env(os.environ, "external"), RunOptions(target=name, quick=True))
    report = RunReport(name, config.contract.fail_at, config.contract.slo_p99_ms, "load-ledger")
    with open_session(config, ROOT, dict(os.environ)) as session:
        add_load_phase(report, session, run_dir, LOCUSTFILE)
    return report


def load_account(report: RunReport) -> dict[str, Any]:
    assert report.reliability is not None and "load" in report.reliability, report.latency
    account: dict[str, Any] = report.reliability["load"]["account"]
    return account


def check_status(report: RunReport) -> str:
    [record] = [c for c in report.checks if c.id == CHECK]
    return record.status


def test_the_reference_loses_nothing_under_load(tmp_path: Path) -> None:
    report = load_phase("reference", tmp_path)
    account = load_account(report)
    assert account["sent"] > 200, account  # 50/s for 5 s after a 2 s warm-up, warm-up sends included
    assert account["lost"] == 0 and account["unexpected"] == 0, account
    assert account["accepted"] == account["completed"] == account["reached_queue"] == account["sent"], account
    assert check_status(report) == "passed"
    lines = (tmp_path / RECORDS).read_text().splitlines()
    assert len(lines) == account["sent"]
    first = json.loads(lines[0])
    assert first["outcome"] == "completed" and first["attempts"][0]["answer"] == "200" and first["runs"]


def test_a_target_that_never_publishes_has_every_accepted_webhook_ignored_not_lost(tmp_path: Path) -> None:
    """Answering 200 and enqueueing nothing at all is what a webhook does with bodies it does not read: one
    "accepted but ignored" finding (no webhook check ran here to give it first), no loss, no latency figure."""
    report = load_phase("never_publishes", tmp_path)
    account = load_account(report)
    assert account["ignored"] == account["accepted"] == account["sent"] > 200, account
    assert account["lost"] == account["completed"] == account["reached_queue"] == 0, account
    assert check_status(report) == "failed"
    [finding] = report.findings
    assert finding.check == CHECK and finding.severity == Severity.HIGH
    assert finding.title.startswith(f"accepted but ignored: no task was enqueued for {account['ignored']} valid ")
    assert account["examples"]["ignored"] and all(t in finding.observed for t in account["examples"]["ignored"])
    statuses = {c.id: c.status for c in report.checks}
    assert statuses[MEDIAN_CHECK] == statuses[REACH_CHECK] == "skipped", statuses
