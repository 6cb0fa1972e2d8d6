"""report.json keeps DESIGN.md's stable keys; junit.xml has one case per check and subject."""

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from harness.findings import Finding, Severity
from harness.redact import Redactor
from harness.report import CheckRecord, RunReport, write_run


def _finding(severity: Severity) -> Finding:
    return Finding(
        "routing.route_reaches_queue",
        "t.generate_code",
        severity,
        "key reaches no queue",
        "expected x",
        "observed y with amqp://u:topsecret@h/",
        "harness run --target seed",
    )


def _report(severity: Severity) -> RunReport:
    report = RunReport("seed", Severity.HIGH, 5.0, run_id="r1")
    report.add(CheckRecord("routing.route_reaches_queue", "t.generate_code", "failed", 0.5), (_finding(severity),))
    report.add(CheckRecord("routing.route_reaches_queue", "t.run_tests", "passed", 0.1))
    report.add(CheckRecord("routing.webhook", "POST /webhook/monday", "skipped", 0.0, "no webhook app"))
    return report


def test_json_report_has_stable_keys_and_no_secret(tmp_path: Path) -> None:
    write_run(_report(Severity.CRITICAL), tmp_path / "r1", Redactor())
    data = json.loads((tmp_path / "r1" / "report.json").read_text())
    assert {"target", "verdict", "checks", "findings", "latency", "services"} <= set(data)
    assert data["verdict"] == "fail"
    assert set(data["findings"][0]) == {"check", "subject", "severity", "title", "expected", "observed", "reproduce"}
    assert set(data["latency"]) == {"webhook_to_queue_us", "floor_publish_to_queue_us", "rate_rps", "slo_p99_ms"}
    assert data["latency"]["webhook_to_queue_us"]["p99"] is None  # not measured is not zero
    assert "topsecret" not in (tmp_path / "r1" / "report.json").read_text()
    assert (tmp_path / "latest").resolve() == (tmp_path / "r1").resolve()


def test_finding_below_the_gate_threshold_passes(tmp_path: Path) -> None:
    assert _report(Severity.MEDIUM).verdict == "pass"
    assert _report(Severity.HIGH).verdict == "fail"


def test_junit_has_one_case_per_check_and_subject(tmp_path: Path) -> None:
    write_run(_report(Severity.CRITICAL), tmp_path / "r1", Redactor())
    suite = ET.parse(tmp_path / "r1" / "junit.xml").getroot()
    cases = suite.findall("testcase")
    assert [(c.get("classname"), c.get("name")) for c in cases] == [
        ("routing.route_reaches_queue", "t.generate_code"),
        ("routing.route_reaches_queue", "t.run_tests"),
        ("routing.webhook", "POST /webhook/monday"),
    ]
    assert cases[0].find("failure") is not None and cases[2].find("skipped") is not None
    assert suite.get("failures") == "1" and suite.get("skipped") == "1"
