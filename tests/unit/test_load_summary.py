"""Run figures and the latency gate: stable keys, verdicts, findings and the web tab's rows."""

from __future__ import annotations

from typing import Any

from harness.load.daemons.tapclient import parse
from harness.load.phase import lost_finding, p99_finding, parse_status, rejected_finding
from harness.load.stats import webtab
from harness.load.stats.histograms import CORRECTED, FLOOR, UNCORRECTED, LatencyBook, http_series
from harness.load.stats.summary import EXIT_LATENCY_GATE, RunFacts, judge, summarize

FACTS = RunFacts(rate_rps=100, shape="", duration_s=10, slo_p99_ms=5.0, deadline_s=5.0)


def _summary(latency_us: int, n: int = 1000, floor_us: tuple[int, int] = (500, 500), tail_us: int = 0,
             **counters: int) -> dict[str, Any]:
    book = LatencyBook()
    for i in range(n):
        book.record(CORRECTED, (tail_us if tail_us and i % 50 == 0 else latency_us) + i % 100)
        book.record(UNCORRECTED, latency_us - 200)
        book.record(FLOOR, floor_us[1] if i % 20 == 0 else floor_us[0])
        book.record(http_series("200"), 1500)
    book.counters.update({"sent": n, "accepted": n, **counters})
    return summarize(book, FACTS)


def test_design_keys_are_present() -> None:
    summary = _summary(1500)
    assert set(summary["webhook_to_queue_us"]) >= {"count", "p50", "p95", "p99", "max"}
    assert set(summary["floor_publish_to_queue_us"]) >= {"p50", "p99"}
    assert summary["rate_rps"] == 100 and summary["slo_p99_ms"] == 5.0
    assert summary["floor_ratio"]["p50"] == 3.1 and isinstance(summary["hdr"], str)
    assert summary["verdict"] == "pass" and summary["reasons"] == []


def test_p99_over_the_slo_fails_with_the_gate_exit_code() -> None:
    summary = _summary(9000)
    verdict = judge(summary)
    assert not verdict.passed and verdict.latency_failed and EXIT_LATENCY_GATE == 3
    finding = p99_finding(summary, "POST /webhook/monday", "locust ...")
    assert finding is not None and "exceeds the 5 ms SLO" in finding.title and finding.severity.name == "HIGH"


def test_a_tail_over_the_slo_is_inconclusive_when_the_floor_explains_it() -> None:
    noisy = _summary(2000, tail_us=14_000, floor_us=(900, 12_000))
    verdict = judge(noisy)
    assert verdict.verdict == "inconclusive" and verdict.exit_code == 4 and not verdict.latency_failed
    assert "cannot judge" in verdict.reasons[0]
    assert judge(_summary(2000, tail_us=14_000)).verdict == "fail"  # a quiet floor: the tail is the target's
    far = judge(_summary(2000, tail_us=40_000, floor_us=(900, 12_000)))  # 28 ms on top of the floor
    assert far.verdict == "fail" and far.exit_code == EXIT_LATENCY_GATE and "on top of the floor" in far.reasons[0]


def test_a_median_over_the_slo_fails_even_when_the_floor_is_noisy() -> None:
    verdict = judge(_summary(11_000, floor_us=(900, 12_000)))
    assert verdict.verdict == "fail" and verdict.exit_code == EXIT_LATENCY_GATE and "median" in verdict.reasons[0]


def test_lost_messages_fail_the_gate() -> None:
    summary = _summary(1500, lost=3)
    assert judge(summary).latency_failed
    finding = lost_finding(summary, "POST /webhook/monday", "locust ...")
    assert finding is not None and finding.title.startswith("3 accepted webhooks")


def test_failed_requests_leave_no_figure_and_no_latency_exit_code() -> None:
    book = LatencyBook()
    book.counters.update({"sent": 50, "http_500": 50})
    summary = summarize(book, FACTS)
    verdict = judge(summary)
    assert summary["webhook_to_queue_us"]["p99"] is None and summary["failures"]["http"] == {"500": 50}
    assert not verdict.passed and not verdict.latency_failed  # Locust's own "requests failed" exit code
    assert rejected_finding(summary, "s", "r") is not None and p99_finding(summary, "s", "r") is not None


def test_web_tab_rows_show_sub_millisecond_figures() -> None:
    rows = webtab.rows(_summary(1234))
    assert rows[0]["name"] == "1. Verdict" and rows[0]["note"].startswith("PASS")
    assert [row["name"] for row in rows] == sorted(row["name"] for row in rows)
    corrected = rows[1]
    assert corrected["p50"].count(".") == 1 and len(corrected["p50"].split(".")[1]) == 3
    assert "SLO p99 ≤ 5 ms" in corrected["note"]
    assert {c["key"] for c in webtab.template_args()["extended_tables"][0]["structure"]} == set(rows[1])


def test_locust_buckets_keep_three_significant_figures() -> None:
    assert [webtab.fine_bucket(v) for v in (2.4371, 5.334, 47.26, 432.6, 5432.1, 54321.0)] == \
        [2.44, 5.33, 47.3, 433, 5430, 54300]


def test_protocol_lines_parse() -> None:
    observed = parse("o 1f 123456789\n")
    assert observed is not None and (observed.kind, observed.seq, observed.t_ns) == ("o", 31, 123456789)
    assert parse("garbage") is None and parse("o zz 1") is None
    assert parse_status("harness-load-status 99.5 4123 1000\n") == (99.5, 4123.0, 1000)
    assert parse_status("harness-load-status 0.0 - 0") == (0.0, None, 0)
