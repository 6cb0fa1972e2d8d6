"""The percentile spectrum: HdrHistogram's "percentile distribution" of the target and the floor.

x is 1/(1−p) on a log axis, so every "nine" gets the same width (ticks 0, 50, 90, 99, 99.9, 99.99...),
and the tail, where an SLO on p99 lives, is as wide as the body. The target comes from ``hdr`` (or
``histogram``), the floor from ``hdr_series["floor_publish_to_queue_us"]``; without a histogram, from
the summary percentiles (markers). The SLO is drawn across.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from itertools import accumulate
from typing import Any

import plotly.graph_objects as go

from harness.report.charts import FLOOR_COLOR, NO_LOAD, SLO_COLOR, Chart, figure
from harness.report.charts_latency import LOG_TICKS_MS, buckets, decode_hdr

FLOOR_SERIES = "floor_publish_to_queue_us"
STEPS_PER_DECADE = 10
NINES = {1: "0", 2: "50", 10: "90", 100: "99", 1_000: "99.9", 10_000: "99.99", 100_000: "99.999",
         1_000_000: "99.9999"}
SUMMARY_X = (("p50", 2.0), ("p90", 10.0), ("p95", 20.0), ("p99", 100.0), ("p999", 1000.0))


def spectrum(pairs: list[tuple[float, int]]) -> list[tuple[float, float]]:
    """(x = 1/(1−p), value_us) at STEPS_PER_DECADE points a decade of x and the median, and the max at
    x = count."""
    total = sum(c for _, c in pairs)
    if not total:
        return []
    cumulative = list(accumulate(c for _, c in pairs))
    points = []
    steps = {10 ** (k / STEPS_PER_DECADE) for k in range(int(math.log10(total) * STEPS_PER_DECADE) + 1)}
    for x in sorted(x for x in steps | {2.0} if x < total):  # the median too; the max closes the line
        wanted = max(int((1 - 1 / x) * total + 0.5), 1)  # HdrHistogram's count at a percentile
        points.append((x, pairs[min(bisect_left(cumulative, wanted), len(pairs) - 1)][0]))
    return [*points, (float(total), pairs[-1][0])]


def summary_spectrum(figures: dict[str, Any]) -> list[tuple[float, float]]:
    """The same points from a summary's percentiles alone (p50 … p99.9, and the max at x = count)."""
    points = [(x, float(figures[key])) for key, x in SUMMARY_X if figures.get(key) is not None]
    count, top = figures.get("count"), figures.get("max")
    if points and count and top is not None and float(count) > points[-1][0]:
        points.append((float(count), float(top)))
    return points


def target_points(latency: dict[str, Any]) -> tuple[list[tuple[float, float]], bool]:
    points = spectrum(buckets(latency))
    return (points, True) if points else (summary_spectrum(latency.get("webhook_to_queue_us") or {}), False)


def floor_points(latency: dict[str, Any]) -> tuple[list[tuple[float, float]], bool]:
    encoded = (latency.get("hdr_series") or {}).get(FLOOR_SERIES)
    points = spectrum(decode_hdr(encoded)) if encoded else []
    return (points, True) if points else (summary_spectrum(latency.get(FLOOR_SERIES) or {}), False)


def percentile_label(x: float) -> str:
    return f"{100 * (1 - 1 / x):.4g}" if x < 1e7 else "max"


def add_spectrum(fig: Any, points: list[tuple[float, float]], full: bool, name: str, color: str | None) -> None:
    fig.add_trace(go.Scatter(
        x=[x for x, _ in points], y=[v / 1000 for _, v in points], name=name if full else f"{name} (percentiles)",
        mode="lines" if full else "lines+markers", line={"width": 3 if color is None else 2, "color": color},
        customdata=[percentile_label(x) for x, _ in points], hovertemplate="p%{customdata}: %{y:.3f} ms"))


def axes(fig: Any, xs: list[float], values_ms: list[float]) -> None:
    top = max(xs)
    ticks = [x for x in NINES if x <= top * 1.5]
    fig.update_xaxes(type="log", tickvals=ticks, ticktext=[NINES[x] for x in ticks],
                     range=[0, math.log10(top * 1.2)])
    low, high = max(min(values_ms), 1e-3), max(values_ms)
    fig.update_yaxes(type="log", tickvals=LOG_TICKS_MS, ticktext=[f"{t:g}" for t in LOG_TICKS_MS],
                     range=[math.log10(low * 0.8), math.log10(high * 1.25)])


def spectrum_chart(latency: dict[str, Any]) -> Chart:
    target, full = target_points(latency)
    if not target:
        return Chart("latency-spectrum", "Percentile spectrum", empty=NO_LOAD)
    floor, floor_full = floor_points(latency)
    fig = figure("Webhook-to-queue percentile spectrum", "percentile (%, log scale of 1/(1−p))",
                 "latency (ms, log scale)", hovermode="closest")
    add_spectrum(fig, target, full, "webhook → queue", None)
    if floor:
        add_spectrum(fig, floor, floor_full, "floor: publish → queue", FLOOR_COLOR)
    xs = [x for x, _ in [*target, *floor]]
    values = [v / 1000 for _, v in [*target, *floor]]
    if latency.get("slo_p99_ms") is not None:
        slo = float(latency["slo_p99_ms"])
        fig.add_trace(go.Scatter(x=[1, max(xs)], y=[slo, slo], mode="lines", name=f"SLO {slo:g} ms",
                                 line={"color": SLO_COLOR, "dash": "dash", "width": 2}, hoverinfo="name"))
        values.append(slo)
    axes(fig, xs, values)
    return Chart("latency-spectrum", "Percentile spectrum", fig)
