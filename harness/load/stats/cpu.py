"""CPU use over a load process's measured window: the machine's, the generator's and its tap's.

A latency figure from a machine whose cores were all busy includes waiting for a CPU, and a generator
near a full core measures itself. So each load process reads, from the first measured send until it
drains: the machine's busy share (all cores, 100 = every core busy), and its own and its tap process's
use (100 = one core). The master keeps the busiest of its load processes.
"""

from __future__ import annotations

import time
from typing import Any

import psutil

GENERATOR_BUSY_PCT = 70.0  # above this a load process's own scheduling delays its sends and timestamps
MACHINE_BUSY_PCT = 80.0    # above this, runnable processes wait for a core


def _busy_and_total(times: Any) -> tuple[float, float]:
    idle = times.idle + getattr(times, "iowait", 0.0)
    total = sum(times)
    return total - idle, total


def _process_seconds(process: psutil.Process | None) -> float:
    if process is None:
        return 0.0
    try:
        times = process.cpu_times()
    except psutil.Error:  # the tap exited early
        return 0.0
    return float(times.user + times.system)


class CpuMeter:
    """Start it when measuring starts; :meth:`reading` gives the shares since then."""

    def __init__(self, tap_pid: int | None = None) -> None:
        self._generator = psutil.Process()
        self._tap = _process_or_none(tap_pid)
        self._start: tuple[float, float, float, float, float] | None = None

    @property
    def started(self) -> bool:
        return self._start is not None

    def start(self) -> None:
        busy, total = _busy_and_total(psutil.cpu_times())
        self._start = (time.monotonic(), busy, total, _process_seconds(self._generator), _process_seconds(self._tap))

    def reading(self) -> dict[str, Any] | None:
        """``cores``, ``seconds``, ``machine_busy_pct``, ``generator_pct``, ``tap_pct``; None if never started."""
        if self._start is None:
            return None
        t0, busy0, total0, generator0, tap0 = self._start
        elapsed = time.monotonic() - t0
        busy, total = _busy_and_total(psutil.cpu_times())
        if elapsed <= 0 or total <= total0:
            return None
        return {"cores": psutil.cpu_count() or 1, "seconds": round(elapsed, 2),
                "machine_busy_pct": round(100 * (busy - busy0) / (total - total0), 1),
                "generator_pct": round(100 * (_process_seconds(self._generator) - generator0) / elapsed, 1),
                "tap_pct": round(100 * (_process_seconds(self._tap) - tap0) / elapsed, 1)}


def _process_or_none(pid: int | None) -> psutil.Process | None:
    try:
        return psutil.Process(pid) if pid else None
    except psutil.Error:
        return None


def busiest(readings: list[dict[str, Any] | None]) -> dict[str, Any] | None:
    """The load processes' readings as one: each share at its highest, and how many processes read it."""
    found = [r for r in readings if r]
    if not found:
        return None
    merged = {key: max(r[key] for r in found) for key in ("cores", "seconds", "machine_busy_pct",
                                                          "generator_pct", "tap_pct")}
    return {**merged, "processes": len(found)}


def instrument_cost(cpu: dict[str, Any] | None, rate_rps: float) -> float | None:
    """The instrument's own cost: the load generator and its tap together, in % of one core per 100 webhooks/s
    (with several load processes, each is counted at the busiest one's share)."""
    if not cpu or not rate_rps:
        return None
    both = float(cpu["generator_pct"]) + float(cpu["tap_pct"])
    return round(both * int(cpu.get("processes", 1)) * 100 / rate_rps, 1)


def cpu_notes(cpu: dict[str, Any] | None) -> list[str]:
    """What the readings say about the figures, when they say anything."""
    if not cpu:
        return []
    found = []
    if cpu["machine_busy_pct"] > MACHINE_BUSY_PCT:
        found.append(f"the machine's {cpu['cores']} cores were {cpu['machine_busy_pct']:g}% busy while measuring: "
                     "latency includes waiting for a CPU")
    if cpu["generator_pct"] > GENERATOR_BUSY_PCT:
        found.append(f"a load process used {cpu['generator_pct']:g}% of a core (over {GENERATOR_BUSY_PCT:g}%): "
                     "it delays its own sends and timestamps; add --processes")
    return found
