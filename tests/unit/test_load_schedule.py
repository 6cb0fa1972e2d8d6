"""The open model: intended send times from a rate and a shape; late and dropped sends."""

from __future__ import annotations

import pytest

from harness.load.generator.schedule import ArrivalSchedule, RateShape, ShapeError, Stage, parse_shape


def test_constant_rate_spaces_sends_evenly() -> None:
    shape = RateShape(200)
    assert [shape.time_of(k) for k in range(4)] == pytest.approx([0, 0.005, 0.010, 0.015])
    assert shape.due(1.0) == 201


def test_share_splits_the_rate_between_workers() -> None:
    assert RateShape(300, share=1 / 3).time_of(1) == pytest.approx(0.01)


def test_linear_ramp_follows_the_area_under_the_rate() -> None:
    shape = RateShape(0, (Stage(10, 100),))  # N(t) = 5 t²
    assert shape.arrivals(10) == pytest.approx(500)
    assert shape.time_of(125) == pytest.approx(5.0)
    assert shape.time_of(600) == pytest.approx(11.0)  # then 100/s holds


def test_spike_and_back() -> None:
    shape = RateShape(100, parse_shape("1s:100,1s:300,1s:100"))
    assert shape.arrivals(1) == pytest.approx(100)
    assert shape.arrivals(2) == pytest.approx(300)
    assert shape.arrivals(3) == pytest.approx(500)
    assert shape.final_rps == 100


@pytest.mark.parametrize("text", ["10:", "fast:300", "10s:-1", "1h:3"])
def test_bad_shapes_are_refused(text: str) -> None:
    with pytest.raises(ShapeError):
        RateShape(10, parse_shape(text))


def test_parse_shape_units() -> None:
    assert parse_shape("500ms:10, 2m:20") == (Stage(0.5, 10), Stage(120, 20))
    assert parse_shape("") == parse_shape("constant") == ()


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000_000_000

    def __call__(self) -> int:
        return self.now


def test_late_starts_and_dropped_sends_are_counted() -> None:
    clock = FakeClock()
    schedule = ArrivalSchedule(RateShape(1000), late_ns=2_000_000, clock=clock)
    first = schedule.next_slot()
    assert first is not None and first.intended_ns == clock.now
    assert schedule.mark_started(first, clock.now) is False
    second = schedule.next_slot()
    assert second is not None
    clock.now += 10_000_000  # the generator was busy: 10 ms behind
    assert schedule.mark_started(second, clock.now) is True
    assert schedule.close() == 9 - 2  # overdue by more than 2 ms at t=10 ms: sends 0..8; two started
    assert schedule.next_slot() is None and schedule.late == 1


def test_sends_due_within_the_tolerance_at_the_close_are_not_dropped() -> None:
    clock = FakeClock()
    schedule = ArrivalSchedule(RateShape(1000), late_ns=2_000_000, clock=clock)
    for _ in range(9):  # sends 0..8, each started on time
        slot = schedule.next_slot()
        assert slot is not None
        clock.now = slot.intended_ns
        schedule.mark_started(slot, clock.now)
    clock.now += 1_500_000  # send 9 was due 0.5 ms ago: within the 2 ms tolerance
    assert schedule.close() == 0


def test_warmup_sends_are_not_measured() -> None:
    schedule = ArrivalSchedule(RateShape(100), late_ns=0, warmup_s=1.0, clock=FakeClock())
    assert schedule.is_warmup(99) and not schedule.is_warmup(100)
