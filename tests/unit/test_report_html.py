"""report.html: self-contained, findings by severity with how to reproduce, every check, and the charts
(or why a chart is missing); secrets masked, plotly.js untouched."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from plotly.offline import get_plotlyjs

from harness.findings import Finding, Severity
from harness.redact import Redactor
from harness.report import CheckRecord, write_run
from harness.report.charts_latency import buckets, cdf_points, log_bins
from harness.report.html import render_html
from tests import report_samples

FULL_CHARTS = ("latency-cdf", "latency-spectrum", "latency-histogram", "latency-series", "broker-queues",
               "broker-rates", "broker-resources", "faults-timeline", "faults-ledger")


def _html(report, tmp_path: Path, redactor: Redactor | None = None) -> str:  # type: ignore[no-untyped-def]
    write_run(report, tmp_path / "run", redactor or Redactor())
    return (tmp_path / "run" / "report.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def full_html(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _html(report_samples.full_report(), tmp_path_factory.mktemp("full"))


def test_page_is_self_contained(full_html: str) -> None:
    assert get_plotlyjs() in full_html
    ours = full_html.replace(get_plotlyjs(), "")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", ours)
    assert "<link" not in ours and "cdn.plot.ly" not in ours


def test_every_chart_is_drawn_when_every_phase_ran(full_html: str) -> None:
    for key in FULL_CHARTS:
        assert f'id="{key}"' in full_html, key
    assert full_html.count("Plotly.newPlot(") == len(FULL_CHARTS)
    assert "No load phase ran" not in full_html and "No fault phase ran" not in full_html


def test_absent_phases_are_named_instead_of_charted(tmp_path: Path) -> None:
    html = _html(report_samples.base_report(), tmp_path)
    assert "No load phase ran" in html and "No fault phase ran" in html and "No broker samples" in html
    assert "Plotly.newPlot(" not in html


def test_banner_names_verdict_target_and_services(full_html: str) -> None:
    banner = full_html[full_html.index('id="verdict"'):full_html.index("<main>")]
    assert "Gate FAIL (latency not judged): seed" in banner  # the sample has figures but no SLO check
    assert "broker: external" in banner and "celery 5.4.0" in banner


def test_findings_sorted_by_severity_with_reproduction(tmp_path: Path) -> None:
    report = report_samples.base_report()
    report.findings.reverse()  # the low finding first: the page must still put critical first
    html = _html(report, tmp_path)
    assert html.index("priority 3 not set") > html.index("routing key ai.generate.code reaches no queue")
    assert "ai_generation is bound with ai.*" in html and "a binding on ai_agent matching" in html
    assert f'<pre id="curl-1">{report_samples.CURL.replace(chr(39), "&#39;")}</pre>' in html
    assert "payloads/corpus/run_tests.json" in html
    assert html.count('class="copy"') == 3  # two reproduce blocks and one curl line


def test_checks_table_lists_every_check(full_html: str) -> None:
    table = full_html[full_html.index('id="checks"'):full_html.index("<footer>")]
    assert table.count("<tr><td>") == 4
    assert "the OAuth suite runs only with --oauth-test" in table


def test_secrets_are_masked_and_markup_escaped(tmp_path: Path) -> None:
    report = report_samples.base_report()
    secret = "s3cr3t-webhook-value-42"
    report.add(CheckRecord("webhook.signature", "POST /webhook/monday", "failed", 0.1), (Finding(
        "webhook.signature", "POST /webhook/monday", Severity.HIGH, "<script>alert(1)</script>",
        f"signed with {secret}", "amqp://user:brokerpass@host/ answered", "curl ..."),))
    html = _html(report, tmp_path, Redactor([secret]))
    assert secret not in html and "brokerpass" not in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert get_plotlyjs() in html


def test_latency_from_hdr_histogram_and_percentiles() -> None:
    latency = report_samples.latency()
    pairs = buckets(latency)
    assert sum(c for _, c in pairs) == latency["webhook_to_queue_us"]["count"]
    points, full = cdf_points(latency)
    assert full and points[-1][1] == pytest.approx(1.0)
    assert sum(c for _, c in log_bins(pairs)) == latency["webhook_to_queue_us"]["count"]
    summary_only = {"webhook_to_queue_us": {"count": 10, "p50": 500, "p95": 900, "p99": 1200, "max": 2000}}
    points, full = cdf_points(summary_only)
    assert not full and [q for _, q in points] == [0.5, 0.95, 0.99, 1.0]


def test_plain_histogram_buckets_are_charted() -> None:
    latency = {"histogram": [[400, 10], [800, 5], [4000, 1]], "slo_p99_ms": 5.0,
               "webhook_to_queue_us": {"count": 16, "p50": 400, "p95": 800, "p99": 4000, "max": 4000}}
    html = render_html({"target": "t", "verdict": "pass", "checks": [], "findings": [], "latency": latency,
                        "services": {}, "target_runtime": {}}, Redactor())
    assert 'id="latency-cdf"' in html and 'id="latency-histogram"' in html
    assert "The load phase recorded no latency time series" in html


def test_page_can_be_rebuilt_from_report_json(tmp_path: Path) -> None:
    write_run(report_samples.full_report(), tmp_path / "run", Redactor())
    data = json.loads((tmp_path / "run" / "report.json").read_text())
    assert {"timeline", "reliability", "fail_at"} <= set(data)
    assert render_html(data, Redactor()).count("Plotly.newPlot(") == len(FULL_CHARTS)


def test_data_of_an_unexpected_shape_costs_only_its_section(tmp_path: Path) -> None:
    report = report_samples.full_report()
    report.timeline = [{"t": "not a time"}]
    html = _html(report, tmp_path)
    assert "These charts could not be drawn from the report&#39;s broker data" in html
    assert 'id="latency-cdf"' in html


def test_a_secret_that_html_escaping_would_change_is_masked_too(tmp_path: Path) -> None:
    report = report_samples.base_report()
    secret = "pa'ss<wo>rd&42"
    report.add(CheckRecord("webhook.signature", "target", "failed", 0.1), (Finding(
        "webhook.signature", "target", Severity.HIGH, "bad signature", "e", f"secret was {secret}", "r"),))
    report.timeline = [{"t": report_samples.T0, "queues": {f"q-{secret}": {"messages": 1}}}]
    html = _html(report, tmp_path, Redactor([secret]))
    assert "pa&#39;ss&lt;wo&gt;rd&amp;42" not in html and "rd&42" not in html and "wo\\u003erd" not in html
