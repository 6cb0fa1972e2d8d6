"""SLO capacity: the highest open-model rate whose webhook-to-queue p99 was judged within the SLO.

The load climbs a ladder of rates (``start_rps``, then ×``factor`` per step, each step a fresh measured
window with the floor measured beside it) and stops at the first step that is not a clean pass:
- p99 over the SLO, judged so against the floor (``slo_judgement`` says fail): the target's limit;
- the floor's own p99 over the SLO, or an excess the floor explains: this machine can no longer resolve
  the SLO at that rate, so nothing above it is claimed;
- sends dropped, or started late by more than ``late_share`` of the sends: the generator could not keep
  the rate, and the figure would not be of that rate;
- requests that failed, or no figure at all.
After the stop, ``refine`` more steps bisect the gap between the last clean rate and the stopping one, so a
factor of 1.5 does not leave a third of the capacity unknown. The capacity is the highest clean rate below
every stopping one, or none when the first step already stopped the climb.
The same ladder with no webhook traffic and the floor publisher at each rate gives the floor path's own
capacity (``floor_only``): the most this machine's broker and instrument can resolve.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from harness.load.stats.summary import request_failures, slo_judgement

LATE_SHARE = 0.05  # more late sends than this and the step did not run at its rate


@dataclass(frozen=True)
class Ladder:
    start_rps: float = 50.0
    factor: float = 1.5
    step_s: float = 15.0
    max_steps: int = 10
    max_rps: float = 5000.0
    refine: int = 2  # bisecting steps after the stop
    resolution: float = 0.05  # no bisecting once the gap is under this share of the clean rate

    def rates(self) -> Iterator[float]:
        rate = self.start_rps
        for _ in range(self.max_steps):
            if rate > self.max_rps:
                return
            yield round(rate, 1)
            rate *= self.factor


@dataclass(frozen=True)
class Step:
    rate_rps: float
    summary: dict[str, Any]
    stop: str | None  # why the climb ends here; None: a clean pass

    def figure(self, series: str, statistic: str) -> float | None:
        value = (self.summary.get(series) or {}).get(statistic)
        return None if value is None else value / 1000


@dataclass
class Climb:
    path: str  # "webhook" (the target) or "floor"
    steps: list[Step] = field(default_factory=list)

    @property
    def stopping(self) -> Step | None:
        """The lowest-rate step that stopped the climb, if any did."""
        stopped = [s for s in self.steps if s.stop is not None]
        return min(stopped, key=lambda s: s.rate_rps) if stopped else None

    @property
    def capacity_rps(self) -> float | None:
        stopping = self.stopping
        clean = [s.rate_rps for s in self.steps
                 if s.stop is None and (stopping is None or s.rate_rps < stopping.rate_rps)]
        return max(clean) if clean else None

    @property
    def stopped_because(self) -> str:
        if not self.steps:
            return "no step was measured"
        stopping = self.stopping
        if stopping is None:
            top = max(s.rate_rps for s in self.steps)
            return f"the ladder ended at {top:g}/s with every step within the SLO"
        return f"at {stopping.rate_rps:g}/s: {stopping.stop}"

    def next_refinement(self, ladder: Ladder) -> float | None:
        """The rate halfway between the capacity and the lowest stopping rate, while the gap is worth it."""
        stopping, capacity = self.stopping, self.capacity_rps
        if stopping is None or capacity is None:
            return None
        if stopping.rate_rps - capacity <= ladder.resolution * capacity:
            return None
        return round((capacity + stopping.rate_rps) / 2, 1)


def late_or_dropped(summary: dict[str, Any]) -> str | None:
    sends = summary.get("sends") or {}
    attempted = max(int(sends.get("started") or 0), 1)
    if sends.get("dropped"):
        return f"{sends['dropped']} sends dropped: the generator could not keep the rate"
    late = int(sends.get("late") or 0)
    if late > LATE_SHARE * attempted:
        return f"{late} of {attempted} sends started late: the generator could not keep the rate"
    return None


def webhook_stop(summary: dict[str, Any]) -> str | None:
    """Why a step of the target's climb ends it, or None for a clean pass."""
    failed = request_failures(summary)
    if failed:
        return f"{failed} requests failed"
    judged, why = slo_judgement(summary)
    if judged in ("fail", "none"):
        return why
    if judged == "inconclusive":
        return f"the floor can no longer resolve the SLO: {why}"
    return late_or_dropped(summary)


def floor_stop(summary: dict[str, Any], slo_ms: float) -> str | None:
    """Why a step of the floor's own climb ends it, or None when its p99 is within the SLO."""
    p99 = (summary.get("floor_publish_to_queue_us") or {}).get("p99")
    if p99 is None:
        return "the floor path gave no figure"
    if p99 > slo_ms * 1000:
        return f"floor p99 {p99 / 1000:.3f} ms exceeds the SLO of {slo_ms:g} ms"
    return None


HEADER = "      rate/s     p50 ms     p99 ms   floor p99 ms   outcome"


def step_line(step: Step, path: str) -> str:
    series = "webhook_to_queue_us" if path == "webhook" else "floor_publish_to_queue_us"
    cells = [step.figure(series, "p50"), step.figure(series, "p99"), step.figure("floor_publish_to_queue_us", "p99")]
    shown = "  ".join(f"{'-' if v is None else f'{v:.3f}':>10}" for v in cells)
    return f"  {step.rate_rps:>10g} {shown}     {'within' if step.stop is None else 'stop: ' + step.stop}"


def capacity_line(climb: Climb) -> str:
    """The capacity as a bound: a climb whose every step passed only says the capacity is at least its top."""
    capacity = climb.capacity_rps
    figure = "none" if capacity is None else f"{capacity:g} webhooks/s"
    if capacity is not None and climb.stopping is None:
        figure = f"at least {figure}"
    return f"{climb.path} path SLO capacity: {figure} ({climb.stopped_because})"


def lines(climb: Climb, slo_ms: float) -> list[str]:
    """The climb as printed: one row per step, then the capacity and why the climb stopped."""
    return [f"{climb.path} path, SLO p99 <= {slo_ms:g} ms:", HEADER,
            *(step_line(step, climb.path) for step in climb.steps), f"  {capacity_line(climb)}"]


def as_json(climb: Climb) -> dict[str, Any]:
    return {"path": climb.path, "capacity_rps": climb.capacity_rps, "stopped_because": climb.stopped_because,
            "steps": [{"rate_rps": s.rate_rps, "stop": s.stop, "summary": s.summary} for s in climb.steps]}
