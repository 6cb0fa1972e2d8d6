"""The master's (or local runner's) side: merge the load processes' histograms and sum up the run.

Every load process ships the records made since its last report (an encoded delta); the collector
adds them with ``decode_and_add``, so the merged histograms are exactly the sum of the workers', and
appends each delta to the HDR interval log. At the end each worker also sends its cumulative book,
kept per worker in the summary so the merge can be checked.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from harness.load.generator.options import LoadOptions
from harness.load.stats.cpu import busiest
from harness.load.stats.hdrlog import HdrLog
from harness.load.stats.histograms import CORRECTED, LatencyBook, decode_book, percentiles, prepare
from harness.load.stats.summary import RunFacts, summarize

LOCAL = "local"
WINDOW_S = 2.0
STATUS_PREFIX = "harness-load-status"


class Collector:
    def __init__(self, options: LoadOptions, slo_ms: float, processes: int) -> None:
        self.options, self.slo_ms, self.processes = options, slo_ms, processes
        self.merged = LatencyBook()
        self.started = time.monotonic()
        self.finals: dict[str, dict[str, Any]] = {}
        self.elapsed_by_worker: dict[str, float] = {}  # measured seconds each worker last reported
        self.cpu: dict[str, dict[str, Any] | None] = {}  # each load process's latest CPU reading
        self.series: list[list[float | int | None]] = []
        self._window, self._window_start = LatencyBook(), 0.0
        self._last: dict[str, float] = {}
        self._hdr = HdrLog(Path(options.hdr_log), f"rate {options.rate:g}/s") if options.hdr_log else None
        prepare()

    def add_delta(self, encoded: dict[str, Any], source: str = LOCAL) -> None:
        interval = decode_book(encoded)
        self.merged.add(interval)
        now = time.monotonic() - self.started
        if self._hdr is not None:
            self._hdr.write(interval, self._last.get(source, 0.0), now)
        self._last[source] = now
        self._window.add(interval)
        if now - self._window_start >= WINDOW_S:
            self._close_window(now)

    def _close_window(self, now: float) -> None:
        """One point of latency over time: p50 and p99 (µs) of the webhooks matched in the window."""
        figures = percentiles(self._window.histograms.get(CORRECTED))
        if figures["count"]:
            self.series.append([round(now, 2), figures["p50"], figures["p99"]])
        self._window, self._window_start = LatencyBook(), now

    def add_final(self, source: str, data: dict[str, Any]) -> None:
        self.add_delta(data["delta"], source)
        self.finals[source] = data
        self.cpu[source] = data.get("cpu")

    def elapsed_s(self) -> float:
        finished = [float(f.get("elapsed_s", 0)) for f in self.finals.values()]
        return max(finished) if finished else max(time.monotonic() - self.started - self.options.warmup_s, 0.0)

    def summary(self) -> dict[str, Any]:
        facts = RunFacts(self.options.rate, self.options.shape, self.elapsed_s(), self.slo_ms,
                         self.options.deadline_s, self.options.warmup_s, self.processes,
                         busiest(list(self.cpu.values())))
        summary = summarize(self.merged, facts)
        summary["series"] = list(self.series)
        if len(self.finals) > 1 or set(self.finals) - {LOCAL}:
            summary["workers"] = {source: worker_figures(data) for source, data in sorted(self.finals.items())}
        return summary

    def status_line(self) -> str:
        """``harness-load-status <sent/s> <p99 µs or -> <sent>`` for ``harness run``'s progress display."""
        sent, elapsed = self.merged.counters.get("sent", 0), self.elapsed_s()
        p99 = percentiles(self.merged.histograms.get(CORRECTED))["p99"]
        return f"{STATUS_PREFIX} {sent / elapsed if elapsed > 0 else 0.0:.1f} {p99 if p99 is not None else '-'} {sent}"

    def close(self) -> None:
        if self._hdr is not None:
            self._hdr.close()
            self._hdr = None


def worker_figures(final: dict[str, Any]) -> dict[str, Any]:
    """One worker's own cumulative figures, as it sent them (to check the merge against)."""
    book = decode_book(final["cumulative"])
    return {"webhook_to_queue_us": percentiles(book.histograms.get(CORRECTED)), "counters": dict(book.counters),
            "hdr": final["cumulative"]["histograms"], "elapsed_s": final.get("elapsed_s")}
