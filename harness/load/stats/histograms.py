"""HDR histograms in microseconds, with counters beside them, merged exactly across processes.

A :class:`LatencyBook` holds one histogram per series (``webhook_to_queue_us``, ``http_us.200``...)
and integer counters (``sent``, ``lost``...). Books travel between Locust processes as encoded
HdrHistogram payloads (base64 text) and are merged with ``decode_and_add``: counts add up exactly,
nothing is averaged.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from itertools import accumulate
from operator import mul
from typing import Any, Literal

from hdrh.histogram import HdrHistogram

LOWEST_US = 1
HIGHEST_US = 300_000_000  # five minutes: anything slower is clamped and still counted
SIGNIFICANT_FIGURES = 3

CORRECTED = "webhook_to_queue_us"
UNCORRECTED = "webhook_to_queue_uncorrected_us"
FLOOR = "floor_publish_to_queue_us"
HTTP_PREFIX = "http_us."

PERCENTILES = {"p50": 50.0, "p90": 90.0, "p95": 95.0, "p99": 99.0, "p999": 99.9}


def new_histogram() -> HdrHistogram:
    return HdrHistogram(LOWEST_US, HIGHEST_US, SIGNIFICANT_FIGURES)


def http_series(status: str) -> str:
    """The series of HTTP latencies for one status (``200``, ``500``, ``timeout``, ``error``)."""
    return HTTP_PREFIX + status


@dataclass
class LatencyBook:
    """Histograms by series name and counters by name."""

    histograms: dict[str, HdrHistogram] = field(default_factory=dict)
    counters: Counter[str] = field(default_factory=Counter)

    def histogram(self, series: str) -> HdrHistogram:
        found = self.histograms.get(series)
        if found is None:
            found = self.histograms[series] = new_histogram()
        return found

    def record(self, series: str, value_us: float) -> None:
        value = min(max(int(value_us), 0), HIGHEST_US)
        self.histogram(series).record_value(value)

    def count(self, name: str, n: int = 1) -> None:
        self.counters[name] += n

    def total(self, series: str) -> int:
        found = self.histograms.get(series)
        return int(found.get_total_count()) if found is not None else 0

    def encode(self) -> dict[str, Any]:
        """A JSON- and msgpack-safe form: encoded histograms (non-empty only) and counters."""
        return {"histograms": {name: h.encode().decode("ascii") for name, h in self.histograms.items()
                               if h.get_total_count()},
                "counters": dict(self.counters)}

    def add_encoded(self, data: dict[str, Any]) -> None:
        for name, payload in data.get("histograms", {}).items():
            self.histogram(name).decode_and_add(payload.encode("ascii"))
        self.counters.update({k: int(v) for k, v in data.get("counters", {}).items()})

    def add(self, other: LatencyBook) -> None:
        for name, histogram in other.histograms.items():
            self.histogram(name).add(histogram)
        self.counters.update(other.counters)

    def reset(self) -> None:
        self.histograms.clear()
        self.counters.clear()

    def series(self, prefix: str) -> dict[str, HdrHistogram]:
        return {k.removeprefix(prefix): v for k, v in self.histograms.items() if k.startswith(prefix)}


def decode_book(data: dict[str, Any]) -> LatencyBook:
    book = LatencyBook()
    book.add_encoded(data)
    return book


class DeltaBook:
    """Records into a cumulative book and a delta book; the delta is shipped and reset periodically."""

    def __init__(self) -> None:
        self.cumulative = LatencyBook()
        self._delta = LatencyBook()

    def record(self, series: str, value_us: float) -> None:
        self.cumulative.record(series, value_us)
        self._delta.record(series, value_us)

    def count(self, name: str, n: int = 1) -> None:
        self.cumulative.count(name, n)
        self._delta.count(name, n)

    def take_delta(self) -> dict[str, Any]:
        """The encoded records since the last call (no await between encoding and reset)."""
        encoded = self._delta.encode()
        self._delta.reset()
        return encoded


def percentiles(histogram: HdrHistogram | None) -> dict[str, int | float | None]:
    """count, p50..p99.9, max, min and mean in µs (``None`` where nothing was recorded).

    The same figures as hdrh's ``get_value_at_percentile`` and ``get_mean_value``, in one pass over
    the counts done by C loops (``accumulate``, ``map``): hdrh's own walk costs tens of ms in Python,
    and the load process computes these on its event loop while sends are due."""
    count = int(histogram.get_total_count()) if histogram is not None else 0
    if histogram is None or count == 0:
        return {"count": 0, **dict.fromkeys(PERCENTILES), "max": None, "min": None, "mean": None}
    layout = _layout(histogram)
    view = memoryview(histogram.counts)
    counts = view.cast("B").cast(_WORDS[view.itemsize]).tolist()  # read at C speed
    cumulative = list(accumulate(counts))
    values: dict[str, int | float | None] = {
        name: layout.highest[bisect_left(cumulative, max(int(p * count / 100 + 0.5), 1))]
        for name, p in PERCENTILES.items()}
    mean = sum(map(mul, counts, layout.median)) / count
    return {"count": count, **values, "max": int(histogram.get_max_value()),
            "min": int(histogram.get_min_value()), "mean": round(float(mean), 1)}


@dataclass(frozen=True)
class _Layout:
    highest: list[int]  # by counts index: the highest value counted there (what a percentile reports)
    median: list[int]   # by counts index: the value the mean weighs that count with


_WORDS: dict[int, Literal["H", "I", "Q"]] = {2: "H", 4: "I", 8: "Q"}  # hdrh's count word sizes, as memoryview formats
_LAYOUTS: dict[tuple[int, int, int], _Layout] = {}


def _layout(histogram: HdrHistogram) -> _Layout:
    """Per-index values for this histogram geometry, worked out once per process."""
    key = (histogram.counts_len, histogram.unit_magnitude, histogram.sub_bucket_half_count_magnitude)
    found = _LAYOUTS.get(key)
    if found is None:
        highest = [int(histogram.get_highest_equivalent_value(histogram.get_value_from_index(i)))
                   for i in range(histogram.counts_len)]
        # hdrh has no public name for the value get_mean_value weighs each count with
        median = [int(histogram._hdr_median_equiv_value(v)) for v in highest]
        found = _LAYOUTS[key] = _Layout(highest, median)
    return found


def prepare() -> None:
    """Work the layout out now (about 30 ms), not in the middle of a measured run."""
    _layout(new_histogram())


def log_buckets(histogram: HdrHistogram | None, first_us: int = 10, base: float = 1.25) -> list[list[int]]:
    """``[upper_bound_us, count]`` on a logarithmic scale, non-empty buckets only (for a report's chart)."""
    if histogram is None or not histogram.get_total_count():
        return []
    rows = []
    for item in histogram.get_log_iterator(first_us, base):
        if item.count_added_in_this_iter_step:
            rows.append([int(item.value_iterated_to), int(item.count_added_in_this_iter_step)])
    return rows
