"""Webhook-to-queue latency charts: CDF, percentile spectrum (``charts_spectrum``), histogram and latency over
time, against the SLO and floor."""

from __future__ import annotations

import math
from typing import Any

import plotly.graph_objects as go

from harness.report.charts import (
    FLOOR_COLOR,
    NO_LOAD,
    P99_COLOR,
    SLO_COLOR,
    Chart,
    figure,
    horizontal_line,
    ms,
    relative,
    vertical_line,
)

MAX_BINS = 60
LOG_TICKS_MS = [m * 10.0**e for e in range(-2, 5) for m in (1, 2, 5)]
PERCENTILE_POINTS = (("p50", 0.50), ("p95", 0.95), ("p99", 0.99), ("max", 1.0))


def decode_hdr(encoded: str | list[str]) -> list[tuple[float, int]]:
    """(value_us, count) pairs from one or several base64 HdrHistograms (merged)."""
    from hdrh.histogram import HdrHistogram

    merged: HdrHistogram | None = None
    for item in [encoded] if isinstance(encoded, str) else encoded:
        histogram = HdrHistogram.decode(item)
        if merged is None:
            merged = histogram
        else:
            merged.add(histogram)
    if merged is None:
        return []
    return [(float(i.value_iterated_to), int(i.count_at_value_iterated_to)) for i in merged.get_recorded_iterator()]


def buckets(latency: dict[str, Any]) -> list[tuple[float, int]]:
    """The recorded latency distribution in µs: from ``hdr`` when present, else ``histogram``."""
    if latency.get("hdr"):
        try:
            return decode_hdr(latency["hdr"])
        except (ValueError, TypeError, IndexError):
            pass
    pairs = [(float(v), int(c)) for v, c in latency.get("histogram") or [] if c]
    return sorted(pairs)


def percentile_points(latency: dict[str, Any]) -> list[tuple[float, float]]:
    """(value_us, fraction) known from the summary percentiles alone."""
    summary = latency.get("webhook_to_queue_us") or {}
    return [(float(summary[k]), q) for k, q in PERCENTILE_POINTS if summary.get(k) is not None]


def measured(latency: dict[str, Any]) -> bool:
    return bool(buckets(latency) or percentile_points(latency) or latency.get("series"))


def add_reference_lines(fig: Any, latency: dict[str, Any], top: float) -> None:
    """SLO, measured p99 and the floor (the harness publishing straight to the exchange)."""
    floor = latency.get("floor_publish_to_queue_us") or {}
    p99 = ms((latency.get("webhook_to_queue_us") or {}).get("p99"))
    if latency.get("slo_p99_ms") is not None:
        vertical_line(fig, float(latency["slo_p99_ms"]), top, f"SLO p99 {latency['slo_p99_ms']} ms", SLO_COLOR)
    if p99 is not None:
        vertical_line(fig, p99, top, f"measured p99 {p99:.3f} ms", P99_COLOR, "dot")
    for key, dash in (("p50", "dot"), ("p99", "dash")):
        value = ms(floor.get(key))
        if value is not None:
            vertical_line(fig, value, top, f"floor {key} {value:.3f} ms", FLOOR_COLOR, dash)


def log_axis(fig: Any, values_ms: list[float], latency: dict[str, Any]) -> None:
    """1-2-5 ticks in ms, and a range wide enough to show the SLO and the floor."""
    floor = latency.get("floor_publish_to_queue_us") or {}
    marks = [v for v in (latency.get("slo_p99_ms"), ms(floor.get("p50"))) if v is not None]
    low, high = min([*values_ms, *marks]), max([*values_ms, *marks])
    fig.update_xaxes(type="log", tickvals=LOG_TICKS_MS, ticktext=[f"{t:g}" for t in LOG_TICKS_MS],
                     range=[math.log10(max(low, 1e-3) * 0.8), math.log10(max(high, 1e-3) * 1.25)])


def cdf_points(latency: dict[str, Any]) -> tuple[list[tuple[float, float]], bool]:
    """(value_us, cumulative fraction) points, and whether they come from the full distribution."""
    pairs = buckets(latency)
    total = sum(c for _, c in pairs)
    if not total:
        return percentile_points(latency), False
    running, points = 0, []
    for value, count in pairs:
        running += count
        points.append((value, running / total))
    return points, True


def cdf_chart(latency: dict[str, Any]) -> Chart:
    points, full = cdf_points(latency)
    if not points:
        return Chart("latency-cdf", "Latency CDF", empty=NO_LOAD)
    fig = figure("Webhook-to-queue latency CDF", "latency (ms, log scale)", "fraction of requests",
                 hovermode="closest")
    log_axis(fig, [v / 1000 for v, _ in points], latency)
    name = "webhook → queue" if full else "webhook → queue (from summary percentiles)"
    fig.add_trace(go.Scatter(x=[v / 1000 for v, _ in points], y=[q for _, q in points], name=name,
                             mode="lines" if full else "lines+markers", line={"shape": "hv", "width": 3}))
    add_reference_lines(fig, latency, 1.0)
    return Chart("latency-cdf", "Latency CDF", fig)


def log_bins(pairs: list[tuple[float, int]]) -> list[tuple[float, int]]:
    """Re-bin (value, count) pairs into at most MAX_BINS log-spaced bins: (lower edge, count)."""
    low, high = max(pairs[0][0], 1.0), max(pairs[-1][0], 1.0)
    step = max(math.log10(high / low) / MAX_BINS, 1e-9)
    counts: dict[int, int] = {}
    for value, count in pairs:
        index = min(int(math.log10(max(value, low) / low) / step), MAX_BINS - 1)
        counts[index] = counts.get(index, 0) + count
    return [(low * 10 ** (i * step), counts.get(i, 0)) for i in range(MAX_BINS)]


def histogram_chart(latency: dict[str, Any]) -> Chart:
    pairs = buckets(latency)
    if not pairs:
        note = NO_LOAD if not measured(latency) else "The load phase recorded only summary percentiles."
        return Chart("latency-histogram", "Latency histogram", empty=note)
    bins = log_bins(pairs)
    fig = figure("Webhook-to-queue latency histogram", "latency (ms, log scale)", "requests", hovermode="closest")
    log_axis(fig, [edge / 1000 for edge, _ in bins], latency)
    fig.add_trace(go.Scatter(x=[edge / 1000 for edge, _ in bins], y=[c for _, c in bins], name="requests",
                             mode="lines", line={"shape": "hv"}, fill="tozeroy"))
    add_reference_lines(fig, latency, float(max(c for _, c in bins)))
    return Chart("latency-histogram", "Latency histogram", fig)


def series_chart(latency: dict[str, Any], origin: float | None) -> Chart:
    series = [p for p in latency.get("series") or [] if len(p) >= 3]
    if not series:
        note = NO_LOAD if not measured(latency) else "The load phase recorded no latency time series."
        return Chart("latency-series", "Latency over time", empty=note)
    xs = relative([float(p[0]) for p in series], origin)
    fig = figure("Latency over time", "time (s)", "latency (ms)")
    fig.add_trace(go.Scatter(x=xs, y=[ms(p[1]) for p in series], name="p50", mode="lines"))
    fig.add_trace(go.Scatter(x=xs, y=[ms(p[2]) for p in series], name="p99", mode="lines",
                             line={"color": P99_COLOR}))
    if latency.get("slo_p99_ms") is not None:
        horizontal_line(fig, xs, float(latency["slo_p99_ms"]), f"SLO p99 {latency['slo_p99_ms']} ms", SLO_COLOR)
    return Chart("latency-series", "Latency over time", fig)
