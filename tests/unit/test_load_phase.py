"""The load phase's checks: p99 (or the median under --quick) against the SLO, lost and rejected webhooks."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from harness.load.phase import ACCEPT_CHECK, MEDIAN_CHECK, P99_CHECK, QUICK, REACH_CHECK, judge_phase, locust_command
from harness.load.stats.histograms import CORRECTED, FLOOR, LatencyBook
from harness.load.stats.summary import RunFacts, summarize

LOCUST_LINE = "locust -f scenarios/locust_webhook.py --headless"


def _session(quick: bool) -> Any:
    run = SimpleNamespace(quick=quick, target="reference")
    contract = SimpleNamespace(webhook=SimpleNamespace(path="/webhook/monday"), slo_p99_ms=5.0)
    return SimpleNamespace(config=SimpleNamespace(run=run, contract=contract),
                           services=SimpleNamespace(backend="external"))


def _summary(median_us: int, tail_us: int, floor_tail_us: int, **counters: int) -> dict[str, Any]:
    book = LatencyBook()
    for i in range(1000):
        book.record(CORRECTED, tail_us if i % 40 == 0 else median_us)
        book.record(FLOOR, floor_tail_us if i % 40 == 0 else 800)
    book.counters.update({"sent": 1000, "accepted": 1000, **counters})
    return summarize(book, RunFacts(50, "", 5, 5.0, 5.0))


def _statuses(results: list[Any]) -> dict[str, str]:
    return {record.id: record.status for record, _findings in results}


def test_full_phase_judges_p99_and_quick_phase_the_median() -> None:
    summary = _summary(3000, 40_000, 900)
    full = judge_phase(summary, _session(False), 6.0, LOCUST_LINE)
    assert _statuses(full) == {P99_CHECK: "failed", REACH_CHECK: "passed", ACCEPT_CHECK: "passed"}
    assert full[0][1][0].severity.name == "HIGH"
    quick = judge_phase(summary, _session(True), 6.0, LOCUST_LINE)
    assert _statuses(quick)[MEDIAN_CHECK] == "passed" and not any(f for _r, f in quick)


def test_a_noisy_floor_that_explains_the_excess_makes_the_p99_check_a_skip_with_its_reason() -> None:
    [(record, findings), *_rest] = judge_phase(_summary(3000, 22_000, 20_000), _session(False), 6.0, LOCUST_LINE)
    assert record.status == "skipped" and findings == () and "cannot judge" in (record.reason or "")


def test_a_target_adding_more_than_the_slo_to_a_noisy_floor_fails_with_both_figures() -> None:
    [(record, findings), *_rest] = judge_phase(_summary(3000, 51_000, 5_700), _session(False), 6.0, LOCUST_LINE)
    assert record.status == "failed" and "(floor p99 5.70" in findings[0].title  # HDR: 3 significant figures
    assert "p99 51.0" in findings[0].observed and "on top of the floor's p99 (5.70" in findings[0].observed


def test_a_slow_median_fails_under_quick_and_lost_messages_are_findings() -> None:
    results = judge_phase(_summary(12_000, 14_000, 20_000, lost=4), _session(True), 6.0, LOCUST_LINE)
    assert _statuses(results) == {MEDIAN_CHECK: "failed", REACH_CHECK: "failed", ACCEPT_CHECK: "passed"}


def test_the_command_keeps_secrets_off_the_command_line(tmp_path: Any) -> None:
    command = " ".join(locust_command(QUICK, tmp_path / "l.py", "http://127.0.0.1:1/webhook/monday", tmp_path, 5))
    assert "amqp://" not in command and "--webhook-secret" not in command and "--duration-s 5" in command


def test_webhooks_that_all_left_no_message_are_ignored_not_a_latency_figure() -> None:
    summary = _summary(3000, 4000, 900)
    summary["webhook_to_queue_us"]["count"] = 0
    summary["failures"]["lost"] = summary["sends"]["accepted"] = 300
    session = _session(True)
    session.config.contract.webhook.dialect = "document"
    results = judge_phase(summary, session, 6.0, LOCUST_LINE)
    assert _statuses(results) == {MEDIAN_CHECK: "skipped", REACH_CHECK: "skipped", ACCEPT_CHECK: "passed"}
    assert not any(findings for _record, findings in results)
    assert all("accepted but ignored" in (record.reason or "") for record, _f in results[:2])
