"""The percentile spectrum: x = 1/(1−p), nines labelled, target and floor from their HdrHistograms (or
their summary percentiles), the SLO drawn across."""

from __future__ import annotations

import pytest
from hdrh.histogram import HdrHistogram

from harness.report.charts_spectrum import spectrum, spectrum_chart, summary_spectrum
from tests import report_samples


def test_points_follow_the_nines_and_end_at_the_max() -> None:
    pairs = [(float(v), 1) for v in range(1, 10_001)]  # 1..10000 µs, once each
    points = {round(x, 6): value for x, value in spectrum(pairs)}
    assert points[1.0] == 1 and points[2.0] == 5_000 and points[10.0] == 9_000 and points[100.0] == 9_900
    assert points[1000.0] == 9_990 and list(points.items())[-1] == (10_000.0, 10_000)
    assert spectrum([]) == []


def test_summary_percentiles_stand_in_without_a_histogram() -> None:
    figures = {"count": 5_000, "p50": 900, "p90": 1_500, "p95": 2_000, "p99": 4_000, "p999": 9_000, "max": 12_000}
    assert summary_spectrum(figures) == [(2.0, 900), (10.0, 1_500), (20.0, 2_000), (100.0, 4_000), (1000.0, 9_000),
                                         (5000.0, 12_000)]
    assert summary_spectrum({"p50": 300, "p99": 700}) == [(2.0, 300), (100.0, 700)]


def test_chart_draws_target_floor_and_slo() -> None:
    latency = report_samples.latency()
    floor = HdrHistogram(1, 60_000_000, 3)
    for i in range(2_000):
        floor.record_value(300 + i % 500)
    latency["hdr_series"] = {"floor_publish_to_queue_us": floor.encode().decode()}
    chart = spectrum_chart(latency)
    names = [trace.name for trace in chart.figure.data]
    assert names == ["webhook → queue", "floor: publish → queue", "SLO 5 ms"]
    assert list(chart.figure.layout.xaxis.ticktext)[:5] == ["0", "50", "90", "99", "99.9"]
    assert max(chart.figure.data[1].y) == pytest.approx(0.799, abs=0.01)


def test_no_load_means_no_spectrum() -> None:
    chart = spectrum_chart({})
    assert chart.figure is None and "No load phase ran" in chart.empty
