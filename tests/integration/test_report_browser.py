"""report.html in headless Chromium (Debian's package): every chart is drawn and non-empty, the page
logs no console error and fetches nothing from the network. Screenshots are kept in reports/test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.redact import Redactor
from harness.report import write_run
from tests import report_samples
from tests.browser import chromium, open_page
from tests.conftest import ROOT

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(chromium() is None, reason="chromium is not installed (make browser installs it)")]
ARTIFACTS = ROOT / "reports" / "test-artifacts"
CHARTS_JS = """
Array.from(document.querySelectorAll('[data-chart]')).map(function (box) {
  var plot = box.querySelector('.js-plotly-plot');
  var svg = plot && plot.querySelector('.main-svg');
  var rect = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
  return {key: box.dataset.chart, drawn: !!svg, width: rect.width, height: rect.height,
          points: plot ? plot.data.reduce(function (n, t) { return n + ((t.x || t.y || []).length); }, 0) : 0,
          marks: plot ? plot.querySelectorAll('.scatterlayer .trace path.js-line, .barlayer .point path').length : 0,
          empty: (box.querySelector('.empty') || {}).textContent || ''};
})
"""


def _render(report: Any, tmp_path: Path) -> Path:
    write_run(report, tmp_path / "run", Redactor())
    return tmp_path / "run" / "report.html"


def test_every_chart_renders_without_console_errors(tmp_path: Path) -> None:
    html = _render(report_samples.full_report(), tmp_path)
    with open_page(html.as_uri()) as page:
        page.wait_until("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 9")
        charts = page.evaluate(CHARTS_JS)
        shot = page.screenshot(ARTIFACTS / "report-browser-full.png")
        errors, urls = page.console_errors(), page.requested_urls()
    assert [c["key"] for c in charts] == ["latency-cdf", "latency-spectrum", "latency-histogram", "latency-series",
                                          "broker-queues", "broker-rates", "broker-resources", "faults-timeline",
                                          "faults-ledger"]
    for chart in charts:
        assert chart["drawn"] and chart["width"] > 300 and chart["height"] > 200, chart
        assert chart["points"] > 0 and chart["marks"] > 0, chart
    assert errors == []
    assert all(url.startswith(("file:", "data:")) for url in urls), urls
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_a_run_without_load_or_faults_says_so(tmp_path: Path) -> None:
    html = _render(report_samples.base_report(), tmp_path)
    with open_page(html.as_uri()) as page:
        charts = page.evaluate(CHARTS_JS)
        visible = page.evaluate("document.body.innerText")
        page.screenshot(ARTIFACTS / "report-browser-empty.png")
        errors = page.console_errors()
    assert not any(c["drawn"] for c in charts)
    assert "No load phase ran" in visible and "No fault phase ran" in visible and "No broker samples" in visible
    assert "routing key ai.generate.code reaches no queue" in visible
    assert errors == []


def test_copy_button_copies_without_errors(tmp_path: Path) -> None:
    html = _render(report_samples.base_report(), tmp_path)
    with open_page(html.as_uri()) as page:
        page.evaluate("document.querySelector('button.copy').click()")
        label = page.wait_until("document.querySelector('button.copy').textContent === 'copied' ? 'copied' : ''", 5)
        errors = page.console_errors()
    assert label == "copied" and errors == []


def test_the_console_watch_does_catch_errors(tmp_path: Path) -> None:
    page_file = tmp_path / "broken.html"
    page_file.write_text("<html><body><script>console.error('boom'); missingFunction();</script></body></html>")
    with open_page(page_file.as_uri()) as page:
        page.wait_until("document.readyState === 'complete'")
        errors = page.console_errors()
    assert any("boom" in e for e in errors) and any("missingFunction" in e for e in errors)
