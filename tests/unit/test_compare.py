"""harness compare: new and fixed findings, a noise-aware latency verdict, and the exit code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.cli import main
from harness.compare import compare, latency_change, tolerance
from harness.redact import Redactor
from harness.report import write_run
from tests import report_samples


def _write(tmp_path: Path, name: str, data: dict[str, Any]) -> Path:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(data))
    return path


def _report(findings: list[dict[str, Any]] | None = None, p99: float | None = None, count: int = 0,
            floor_p99: float | None = None, checks: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"target": "t", "verdict": "pass", "run_id": "r", "fail_at": "high", "findings": findings or [],
            "checks": checks or [{"id": "routing.x", "subject": "s", "status": "passed", "duration_s": 0.1}],
            "latency": {"webhook_to_queue_us": {"count": count, "p50": None, "p95": None, "p99": p99, "max": None},
                        "floor_publish_to_queue_us": {"p50": None, "p99": floor_p99}, "rate_rps": 100,
                        "slo_p99_ms": 5.0}}


def _finding(title: str, severity: str = "high") -> dict[str, Any]:
    return {"check": "routing.x", "subject": "s", "severity": severity, "title": title, "expected": "e",
            "observed": "o", "reproduce": "r"}


def test_seed_findings_are_new_against_reference(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reference, seed = report_samples.base_report("reference"), report_samples.base_report("seed")
    reference.findings.clear()
    write_run(reference, tmp_path / "reference", Redactor())
    write_run(seed, tmp_path / "seed", Redactor())
    assert main(["compare", str(tmp_path / "reference"), str(tmp_path / "seed" / "report.json")]) == 1
    out = capsys.readouterr().out
    assert "new findings (2)" in out and "+ [critical] ai_agent_background.generate_code" in out
    assert "verdict: regression (1 new gating findings)" in out


def test_fixed_findings_and_no_regression(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = _write(tmp_path, "old", _report([_finding("a"), _finding("b")]))
    new = _write(tmp_path, "new", _report([_finding("a")]))
    assert main(["compare", str(old), str(new)]) == 0
    out = capsys.readouterr().out
    assert "fixed findings (1):\n  - [high] s: b" in out and "verdict: no regression" in out


def test_new_finding_below_the_gate_is_listed_but_does_not_fail(tmp_path: Path) -> None:
    result = compare(_report(), _report([_finding("minor", "low")]))
    assert [f["title"] for f in result.new_findings] == ["minor"] and result.regressions() == []


def test_a_check_that_now_errors_is_a_regression() -> None:
    broken = [{"id": "routing.x", "subject": "s", "status": "error", "duration_s": 0.1, "reason": "boom"}]
    assert compare(_report(), _report(checks=broken)).regressions() == ["1 checks now error"]


@pytest.mark.parametrize("args", [["/no/such/report.json", "/no/such/either"], ["{junk}", "{junk}"]])
def test_bad_input_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    junk = tmp_path / "junk.json"
    junk.write_text("not json")
    other = _write(tmp_path, "other", {"hello": 1})
    argv = [a.replace("{junk}", str(junk)) for a in args]
    assert main(["compare", *argv]) == 2
    assert main(["compare", str(other), str(other)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith("harness: ") for line in err)


def test_latency_not_measured_is_not_a_regression() -> None:
    assert latency_change(_report(), _report(p99=4000, count=10_000)).verdict == "not measured"


def test_small_latency_change_is_noise() -> None:
    change = latency_change(_report(p99=1000, count=50_000), _report(p99=1150, count=50_000))
    assert change.verdict == "within noise"


def test_large_latency_change_is_a_regression_and_back_an_improvement() -> None:
    slow, fast = _report(p99=2500, count=50_000), _report(p99=1000, count=50_000)
    assert latency_change(fast, slow).verdict == "regression"
    assert latency_change(slow, fast).verdict == "improvement"


def test_few_samples_widen_the_tolerance() -> None:
    assert tolerance(1_000, 1_000) > tolerance(100_000, 100_000) + 0.25
    change = latency_change(_report(p99=1000, count=1_000), _report(p99=1450, count=1_000))
    assert change.verdict == "within noise"


def test_a_change_the_floor_shares_is_machine_noise() -> None:
    old, new = _report(p99=1000, count=50_000, floor_p99=400), _report(p99=2000, count=50_000, floor_p99=800)
    change = latency_change(old, new)
    assert change.verdict == "within noise" and "floor moved alike" in change.reason


def test_crossing_the_slo_is_a_regression_whatever_the_noise() -> None:
    change = latency_change(_report(p99=4900, count=1_000), _report(p99=5100, count=1_000))
    assert change.verdict == "regression" and "SLO" in change.reason
    assert compare(_report(p99=4900, count=1_000), _report(p99=5100, count=1_000)).regressions()
