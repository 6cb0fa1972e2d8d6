"""HdrHistogram interval logs (the format HdrHistogram's tools read), one file per series.

``latency.hdrlog`` holds webhook-to-queue from the intended time; ``latency.uncorrected.hdrlog`` and
``latency.floor.hdrlog`` sit beside it. Each line is one reporting interval, values in µs
(``Interval_Max`` in ms).
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from hdrh.log import HistogramLogWriter

from harness.load.stats.histograms import CORRECTED, FLOOR, UNCORRECTED, LatencyBook

SUFFIXES = {CORRECTED: "", UNCORRECTED: ".uncorrected", FLOOR: ".floor"}


def path_for(base: Path, series: str) -> Path:
    return base.with_name(base.stem + SUFFIXES[series] + base.suffix)


class HdrLog:
    """Appends each interval's histograms to the series' log files."""

    def __init__(self, base: Path, comment: str = "") -> None:
        base.parent.mkdir(parents=True, exist_ok=True)
        self._files: dict[str, IO[str]] = {}
        self._writers: dict[str, HistogramLogWriter] = {}
        for series in SUFFIXES:
            handle = path_for(base, series).open("w", encoding="utf-8")
            writer = HistogramLogWriter(handle)
            writer.output_comment(f"[{series}: µs; {comment}]")
            writer.output_log_format_version()
            writer.output_legend()
            self._files[series], self._writers[series] = handle, writer

    def write(self, interval: LatencyBook, start_s: float, end_s: float) -> None:
        for series, writer in self._writers.items():
            histogram = interval.histograms.get(series)
            if histogram is not None and histogram.get_total_count():
                writer.output_interval_histogram(histogram, max(start_s, 1e-6), max(end_s, 2e-6), 1000.0)
        for handle in self._files.values():
            handle.flush()

    def close(self) -> None:
        for handle in self._files.values():
            handle.close()
