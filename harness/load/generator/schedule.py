"""The open model: sends are scheduled at intended times from a target arrival rate.

The rate is ``--rate`` webhooks/s, optionally shaped by stages in the style of k6's
``ramping-arrival-rate``: ``"10s:300,30s:300,5s:900,10s:300"`` ramps linearly from ``--rate`` to 300/s
over 10 s, holds 300/s for 30 s, spikes to 900/s over 5 s and comes back down; after the last stage
the last rate holds. Send ``k`` (from 0) is intended at the time ``t`` where the cumulative arrivals
``N(t)`` reach ``k``.

A free Locust user takes the next slot and waits for its intended time. When every user is busy
(the target is slow), slots are taken after their time: the send is *late*, and latency counted from
the intended time includes the wait, as wrk2 does. Slots due but never started when the run stops are
*dropped*, as k6 counts ``dropped_iterations``.

Sends intended during the first ``warmup_s`` seconds are made and matched like the others but not
measured: they let the target open its broker connections and fill its pools.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

_STAGE = re.compile(r"^\s*(?P<duration>\d+(?:\.\d+)?)\s*(?P<unit>ms|s|m)?\s*:\s*(?P<rate>\d+(?:\.\d+)?)\s*$")
_UNIT_S = {"ms": 0.001, "s": 1.0, "m": 60.0, None: 1.0}


class ShapeError(ValueError):
    """A ``--shape`` value that cannot be read."""


@dataclass(frozen=True)
class Stage:
    duration_s: float
    target_rps: float


@dataclass(frozen=True)
class _Segment:
    start_s: float
    start_count: float
    duration_s: float
    from_rps: float
    to_rps: float

    @property
    def count(self) -> float:
        return (self.from_rps + self.to_rps) / 2 * self.duration_s


def parse_shape(text: str | None) -> tuple[Stage, ...]:
    """Stages from ``"10s:300,30s:300"``; an empty text or ``constant`` means no stages."""
    if not text or text.strip() in ("", "constant"):
        return ()
    stages = []
    for part in text.split(","):
        match = _STAGE.match(part)
        if match is None:
            raise ShapeError(f"bad --shape stage {part.strip()!r}: expected DURATION:RATE such as 10s:300")
        duration = float(match["duration"]) * _UNIT_S[match["unit"]]
        stages.append(Stage(duration, float(match["rate"])))
    return tuple(stages)


class RateShape:
    """Cumulative arrivals ``N(t)`` and its inverse for a piecewise-linear rate."""

    def __init__(self, rate_rps: float, stages: tuple[Stage, ...] = (), share: float = 1.0) -> None:
        if rate_rps < 0 or any(s.target_rps < 0 or s.duration_s <= 0 for s in stages):
            raise ShapeError("rates must be >= 0 and stage durations > 0")
        self._segments: list[_Segment] = []
        start_s, count, previous = 0.0, 0.0, rate_rps * share
        for stage in stages:
            segment = _Segment(start_s, count, stage.duration_s, previous, stage.target_rps * share)
            self._segments.append(segment)
            start_s, count, previous = start_s + stage.duration_s, count + segment.count, segment.to_rps
        self._tail = _Segment(start_s, count, math.inf, previous, previous)

    @property
    def final_rps(self) -> float:
        return self._tail.from_rps

    def arrivals(self, elapsed_s: float) -> float:
        """``N(t)``: sends intended in ``[0, elapsed_s]`` (a real number)."""
        for segment in [*self._segments, self._tail]:
            if elapsed_s < segment.start_s + segment.duration_s:
                t = max(elapsed_s - segment.start_s, 0.0)
                slope = 0.0 if math.isinf(segment.duration_s) else (
                    (segment.to_rps - segment.from_rps) / segment.duration_s)
                return segment.start_count + segment.from_rps * t + slope * t * t / 2
        return self._tail.start_count  # unreachable: the tail is infinite

    def time_of(self, k: int) -> float:
        """Seconds after the start at which send ``k`` is intended (``inf`` if the rate never gets there)."""
        for segment in [*self._segments, self._tail]:
            if k < segment.start_count + segment.count or math.isinf(segment.duration_s):
                return segment.start_s + _time_within(segment, k - segment.start_count)
        return math.inf

    def due(self, elapsed_s: float) -> int:
        """How many sends were intended at or before ``elapsed_s``."""
        return math.floor(self.arrivals(elapsed_s) + 1e-9) + 1 if elapsed_s >= 0 else 0


def _time_within(segment: _Segment, n: float) -> float:
    """Solve ``r0 t + (r1 - r0) t² / 2d = n`` for ``t`` within one segment."""
    r0 = segment.from_rps
    slope = 0.0 if math.isinf(segment.duration_s) else (segment.to_rps - r0) / segment.duration_s
    if n <= 0:
        return 0.0
    if abs(slope) < 1e-12:
        return n / r0 if r0 > 0 else math.inf
    disc = r0 * r0 + 2 * slope * n
    return (-r0 + math.sqrt(max(disc, 0.0))) / slope


@dataclass(frozen=True)
class Slot:
    seq: int
    intended_ns: int


class ArrivalSchedule:
    """Hands out slots in order; counts late starts and, when closed, dropped ones."""

    def __init__(self, shape: RateShape, late_ns: int, warmup_s: float = 0.0,
                 clock: Callable[[], int] = time.monotonic_ns) -> None:
        self.shape = shape
        self.late_ns = late_ns
        self.warmup_s = warmup_s
        self._clock = clock
        self._start_ns: int | None = None
        self._next = 0
        self.started = 0
        self.late = 0
        self.closed_at_ns: int | None = None

    @property
    def start_ns(self) -> int | None:
        return self._start_ns

    def next_slot(self) -> Slot | None:
        """The next send's slot, or ``None`` once closed. The clock starts at the first call."""
        if self.closed_at_ns is not None:
            return None
        if self._start_ns is None:
            self._start_ns = self._clock()
        offset_s = self.shape.time_of(self._next)
        if math.isinf(offset_s):
            return None
        slot = Slot(self._next, self._start_ns + int(offset_s * 1e9))
        self._next += 1
        return slot

    def is_warmup(self, seq: int) -> bool:
        """Sends intended in the first ``warmup_s`` seconds fill the target's pools; they are not measured."""
        return self.shape.time_of(seq) < self.warmup_s

    def mark_started(self, slot: Slot, t0_ns: int) -> bool:
        """Count a send that starts now; ``True`` when it starts later than the tolerance."""
        self.started += 1
        late = t0_ns - slot.intended_ns > self.late_ns
        self.late += late
        return late

    def close(self) -> int:
        """Stop handing out slots; returns the sends that were overdue by more than the late tolerance and never
        started (dropped). A send due within the tolerance before the close was not missed: it would have
        started in time had the run gone on."""
        now = self._clock()
        self.closed_at_ns = now
        if self._start_ns is None:
            return 0
        return max(self.shape.due((now - self._start_ns - self.late_ns) / 1e9) - self.started, 0)

    def elapsed_s(self) -> float:
        """Seconds measured so far (after the warm-up)."""
        if self._start_ns is None:
            return 0.0
        end = self.closed_at_ns if self.closed_at_ns is not None else self._clock()
        return max((end - self._start_ns) / 1e9 - self.warmup_s, 0.0)
