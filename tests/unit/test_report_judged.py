"""A run whose latency was not judged never shows a plain PASS: report.json, junit.xml, report.html and
the terminal's last line all say "latency not judged" with the reason; the exit code stays 0 for pass."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from markupsafe import escape

from harness.findings import Severity
from harness.gate import EXIT_PASS, exit_code
from harness.redact import Redactor
from harness.report import CheckRecord, RunReport, write_run
from harness.report.judged import judgement_of

P99 = "latency.webhook_to_queue_p99_under_slo"
SUBJECT = "POST /webhook/monday"
WHY = "floor p99 9.000 ms is itself over the 5 ms SLO and explains the target's 9.500 ms (+0.500 ms)"


def _report(status: str, reason: str | None = None) -> RunReport:
    report = RunReport("reference", Severity.HIGH, 5.0, run_id="r1")
    report.add(CheckRecord("routing.route_reaches_queue", "t.a", "passed", 0.1))
    report.add(CheckRecord(P99, SUBJECT, status, 1.0, reason))
    report.latency = {"webhook_to_queue_us": {"count": 10, "p50": 900, "p95": 2000, "p99": 9500, "max": 9800},
                      "floor_publish_to_queue_us": {"p50": 600, "p99": 9000}, "rate_rps": 100, "slo_p99_ms": 5.0}
    return report


def test_a_judged_pass_is_plain(tmp_path: Path) -> None:
    report = _report("passed")
    assert report.latency_judgement() == (True, "") and report.headline == "pass"
    write_run(report, tmp_path, Redactor())
    data = json.loads((tmp_path / "report.json").read_text())
    assert data["verdict"] == "pass" and data["latency_judged"] is True and data["latency_note"] is None
    html = (tmp_path / "report.html").read_text()
    assert "Gate PASS: reference" in html and "latency not judged" not in html.lower()


def test_an_inconclusive_pass_says_latency_not_judged_everywhere(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    report = _report("skipped", WHY)
    assert report.verdict == "pass" and report.headline == f"pass (latency not judged: {WHY})"
    write_run(report, tmp_path, Redactor())
    data = json.loads((tmp_path / "report.json").read_text())
    assert data["verdict"] == "pass" and data["latency_judged"] is False and data["latency_note"] == WHY
    html = (tmp_path / "report.html").read_text()
    banner = html[html.index('id="verdict"'):html.index("<main>")]
    assert "Gate PASS (latency not judged): reference" in banner
    assert f"PASS (latency not judged: {escape(WHY)})" in banner
    assert 'class="banner pass unjudged"' in html
    suite = ET.parse(tmp_path / "junit.xml").getroot()
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties == {"verdict": f"pass (latency not judged: {WHY})", "latency_judged": "false",
                          "latency_note": WHY}
    skipped = suite.find("testcase[@classname='latency.webhook_to_queue_p99_under_slo']/skipped")
    assert skipped is not None and skipped.get("message") == f"latency not judged: {WHY}"
    assert exit_code(0, report, tmp_path) == EXIT_PASS
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith(f"harness: verdict pass (latency not judged: {WHY}); report ")


@pytest.mark.parametrize(("status", "reason", "expected"), [
    ("skipped", "the load phase was left out (--no-load)", "the load phase was left out (--no-load)"),
    ("error", "the load generator failed (exit code 2): boom", "the load generator failed (exit code 2): boom"),
])
def test_left_out_or_failed_load_is_not_judged(status: str, reason: str, expected: str) -> None:
    report = _report(status, reason)
    assert report.latency_judgement() == (False, expected)
    assert report.headline.endswith(f"(latency not judged: {expected})")


def test_no_figure_and_no_check_are_not_judged() -> None:
    failed = _report("failed")
    failed.latency = {"webhook_to_queue_us": {"p50": None}}
    assert failed.latency_judgement()[0] is False and "no latency figure" in failed.latency_judgement()[1]
    bare = RunReport("seed", Severity.HIGH, 5.0)
    bare.latency = {"skipped": "the target has no webhook app"}
    assert bare.headline == "pass (latency not judged: no load phase ran (the target has no webhook app))"


def test_an_older_report_json_is_read_the_same_way() -> None:
    data = _report("skipped", "a\nmulti-line   reason").to_dict()
    assert judgement_of(data) == (False, "a multi-line reason")
    del data["latency_judged"], data["latency_note"]
    assert judgement_of(data) == (False, "a multi-line reason")
