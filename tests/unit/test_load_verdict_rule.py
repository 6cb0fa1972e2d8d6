"""The latency verdict rule at its edges: inconclusive only when the floor explains the excess.

Figures in µs against a 5 ms SLO; the measured cases are from this project's 2-core machines (issue 14).
"""

from __future__ import annotations

from typing import Any

import pytest

from harness.load.stats.summary import EXIT_INCONCLUSIVE, EXIT_LATENCY_GATE, judge, slo_judgement
from harness.load.stats.webtab import verdict_note

NO_FAILURES = {"http": {}, "timeout": 0, "error": 0, "lost": 0, "unroutable": 0}


def _figures(p99: int | None, floor_p99: int | None, p50: int | None = 1_000, floor_p50: int | None = 600,
             cpu: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"webhook_to_queue_us": {"p50": p50, "p99": p99}, "slo_p99_ms": 5.0, "cpu": cpu,
            "floor_publish_to_queue_us": {"p50": floor_p50, "p99": floor_p99},
            "failures": NO_FAILURES, "deadline_s": 5.0}


@pytest.mark.parametrize(("p99", "floor_p99", "expected"), [
    (5_000, 9_000, "pass"),            # at the SLO passes, whatever the floor
    (5_001, 5_000, "fail"),            # over the SLO beside a floor within it: fails as before
    (5_001, None, "fail"),             # no floor: nothing explains the excess
    (5_001, 5_001, "inconclusive"),    # both just over
    (11_000, 6_000, "inconclusive"),   # adds exactly the SLO on top of a floor over it: explained
    (11_001, 6_000, "fail"),           # adds more than the whole SLO: the target's own
    (7_000, 20_000, "inconclusive"),   # better than its own floor
    (51_070, 5_690, "fail"),           # measured: make run, quiet machine, reference at 100/s
    (44_000, 21_000, "fail"),          # measured: busy machine, full gate
    (60_000, 10_600, "fail"),          # measured: busy machine, full gate
    (9_000, 9_000, "inconclusive"),    # measured: busy machine, full gate
])
def test_inconclusive_only_when_the_floor_explains_the_excess(p99: int, floor_p99: int | None,
                                                             expected: str) -> None:
    assert slo_judgement(_figures(p99, floor_p99))[0] == expected


def test_51_ms_against_a_5_7_ms_floor_fails_with_both_figures_and_exit_code_3() -> None:
    verdict = judge(_figures(51_070, 5_690, p50=3_370, cpu={"cores": 2, "machine_busy_pct": 82.0}))
    assert verdict.verdict == "fail" and verdict.latency_failed and verdict.exit_code == EXIT_LATENCY_GATE
    assert "51.070 ms" in verdict.reasons[0] and "5.690 ms" in verdict.reasons[0]
    assert "adds 45.380 ms" in verdict.reasons[0]


def test_an_explained_excess_is_not_judged_with_exit_code_4_and_one_line() -> None:
    summary = _figures(9_500, 9_000, cpu={"cores": 2, "machine_busy_pct": 82.0})
    verdict = judge(summary)
    assert verdict.verdict == "inconclusive" and not verdict.latency_failed and verdict.exit_code == EXIT_INCONCLUSIVE
    assert verdict.reasons == ["floor p99 9.000 ms is itself over the 5 ms SLO and explains the target's 9.500 ms "
                               "(+0.500 ms): this machine cannot judge it (its 2 cores were 82% busy)"]


def test_a_median_over_the_slo_beside_a_quiet_floor_median_fails_an_explained_p99() -> None:
    assert slo_judgement(_figures(9_000, 8_000, p50=6_000, floor_p50=1_000))[0] == "fail"


@pytest.mark.parametrize(("p50", "floor_p50", "expected"), [(8_000, 6_000, "inconclusive"), (12_000, 6_000, "fail")])
def test_the_quick_median_is_judged_by_the_same_rule(p50: int, floor_p50: int, expected: str) -> None:
    assert slo_judgement(_figures(20_000, 20_000, p50=p50, floor_p50=floor_p50), "p50")[0] == expected


def test_the_web_tab_says_latency_not_judged_in_one_line() -> None:
    summary = _figures(9_500, 9_000)
    verdict = judge(summary)
    summary.update(verdict=verdict.verdict, reasons=verdict.reasons, notes=["the machine was busy"])
    note = verdict_note(summary)
    assert note.startswith("INCONCLUSIVE (latency not judged: floor p99 9.000 ms is itself over the 5 ms SLO")
    assert note.endswith("; the machine was busy") and "\n" not in note
