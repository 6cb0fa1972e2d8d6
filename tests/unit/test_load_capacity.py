"""The SLO capacity ladder: which step ends the climb, and which rate is claimed."""

from __future__ import annotations

from typing import Any

import pytest

from harness.load.stats.capacity import Climb, Ladder, Step, floor_stop, late_or_dropped, lines, webhook_stop


def summary(p99_ms: float | None, floor_p99_ms: float | None = 1.0, p50_ms: float | None = 1.0,
            floor_p50_ms: float = 0.5, started: int = 1000, late: int = 0, dropped: int = 0,
            http_500: int = 0) -> dict[str, Any]:
    def us(value: float | None) -> float | None:
        return None if value is None else value * 1000
    return {"webhook_to_queue_us": {"p50": us(p50_ms if p99_ms is not None else None), "p99": us(p99_ms)},
            "floor_publish_to_queue_us": {"p50": us(floor_p50_ms), "p99": us(floor_p99_ms)},
            "slo_p99_ms": 5.0, "failures": {"http": {"500": http_500} if http_500 else {}, "timeout": 0, "error": 0},
            "sends": {"started": started, "late": late, "dropped": dropped}}


def test_the_ladder_multiplies_the_rate_and_stops_at_its_bounds() -> None:
    assert list(Ladder(50, 1.5, max_steps=4).rates()) == [50, 75, 112.5, 168.8]
    assert list(Ladder(400, 2, max_steps=10, max_rps=2000).rates()) == [400, 800, 1600]


def test_a_p99_within_the_slo_with_the_rate_kept_continues_the_climb() -> None:
    assert webhook_stop(summary(4.99)) is None


def test_a_p99_over_the_slo_beside_a_quiet_floor_ends_the_climb_as_the_targets_limit() -> None:
    why = webhook_stop(summary(5.2, floor_p99_ms=1.0))
    assert why is not None and "exceeds the SLO" in why and not why.startswith("the floor")


def test_an_excess_the_floor_explains_ends_the_climb_as_the_machines_limit() -> None:
    why = webhook_stop(summary(7.0, floor_p99_ms=6.0))
    assert why is not None and why.startswith("the floor can no longer resolve the SLO")


def test_a_target_adding_more_than_the_slo_to_a_slow_floor_is_its_own_limit() -> None:
    why = webhook_stop(summary(51.07, floor_p99_ms=5.69))
    assert why is not None and not why.startswith("the floor")


@pytest.mark.parametrize("late,dropped,stops", [(50, 0, False), (51, 0, True), (0, 1, True)])
def test_a_generator_that_could_not_keep_the_rate_ends_the_climb(late: int, dropped: int, stops: bool) -> None:
    assert (late_or_dropped(summary(1.0, late=late, dropped=dropped)) is not None) is stops
    assert (webhook_stop(summary(1.0, late=late, dropped=dropped)) is not None) is stops


def test_failed_requests_end_the_climb_before_any_latency_is_read() -> None:
    why = webhook_stop(summary(1.0, http_500=3))
    assert why == "3 requests failed"


def test_no_figure_ends_the_climb_with_that_reason() -> None:
    why = webhook_stop(summary(None))
    assert why is not None and "no latency figure" in why


@pytest.mark.parametrize("floor_p99,stops", [(4.9, False), (5.01, True), (None, True)])
def test_the_floors_own_climb_ends_where_its_p99_leaves_the_slo(floor_p99: float | None, stops: bool) -> None:
    assert (floor_stop(summary(1.0, floor_p99_ms=floor_p99), 5.0) is not None) is stops


def test_the_capacity_is_the_last_clean_step_and_says_why_the_climb_ended() -> None:
    climb = Climb("webhook", [Step(50, summary(2.0), None), Step(75, summary(3.0), None),
                              Step(112.5, summary(9.0), "p99 9.000 ms exceeds the SLO of 5 ms")])
    assert climb.capacity_rps == 75
    assert climb.stopped_because.startswith("at 112.5/s: p99 9.000 ms")
    assert "SLO capacity: 75 webhooks/s" in lines(climb, 5.0)[-1]


def test_a_climb_whose_first_step_missed_claims_no_capacity() -> None:
    climb = Climb("webhook", [Step(50, summary(9.0), "p99 over")])
    assert climb.capacity_rps is None
    assert "SLO capacity: none" in lines(climb, 5.0)[-1]


def test_a_ladder_that_ran_out_says_every_step_was_within() -> None:
    climb = Climb("floor", [Step(50, summary(1.0), None)])
    assert climb.capacity_rps == 50 and "every step within the SLO" in climb.stopped_because
    assert "SLO capacity: at least 50 webhooks/s" in lines(climb, 5.0)[-1]


def test_pinning_gives_the_consumers_the_last_core_and_the_path_the_others() -> None:
    from harness.load.topology import split_cores

    assert split_cores({0, 1}) == ({0}, {1})
    assert split_cores({3, 0, 2, 1}) == ({0, 1, 2}, {3})
    assert split_cores({0}) is None


def test_refining_steps_bisect_between_the_capacity_and_the_lowest_stopping_rate() -> None:
    ladder = Ladder(start_rps=100, factor=1.5)
    climb = Climb("webhook", [Step(100, summary(2.0), None), Step(150, summary(3.0), None),
                              Step(225, summary(9.0), "p99 over")])
    assert climb.next_refinement(ladder) == 187.5
    climb.steps.append(Step(187.5, summary(4.0), None))
    assert climb.capacity_rps == 187.5 and climb.next_refinement(ladder) == 206.2
    climb.steps.append(Step(206.2, summary(6.0), "p99 over at 206"))
    assert climb.capacity_rps == 187.5 and climb.stopped_because == "at 206.2/s: p99 over at 206"
    assert "SLO capacity: 187.5 webhooks/s" in lines(climb, 5.0)[-1]


def test_no_refining_without_a_clean_step_or_once_the_gap_is_small() -> None:
    ladder = Ladder(resolution=0.05)
    assert Climb("webhook", [Step(50, summary(9.0), "p99 over")]).next_refinement(ladder) is None
    close = Climb("webhook", [Step(100, summary(2.0), None), Step(104, summary(9.0), "p99 over")])
    assert close.next_refinement(ladder) is None
    assert Climb("floor", [Step(50, summary(1.0), None)]).next_refinement(ladder) is None
