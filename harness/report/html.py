"""report.html: one self-contained page (plotly.js inline, no network fetch) for the engineer who must
fix what the gate found: verdict, findings with how to reproduce them, every check, and the charts.

The page is rendered from the report's dict, so it can be rebuilt from a report.json
(:func:`render_html`). Secrets are masked in everything the harness wrote into the page; the plotly.js
bundle is inserted after masking, untouched.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from harness.redact import redact_tree
from harness.report.charts import Chart, time_origin
from harness.report.charts_broker import broker_charts, fault_charts
from harness.report.charts_latency import cdf_chart, histogram_chart, series_chart
from harness.report.charts_spectrum import spectrum_chart
from harness.report.judged import NOT_JUDGED, judgement_of
from harness.report.model import RunReport

PLOTLY_SLOT = "<!--harness:plotly.js-->"
SEVERITIES = ("critical", "high", "medium", "low")
STATUSES = ("passed", "failed", "error", "skipped")
OPEN_FINDINGS = 5  # up to this many findings are all shown open; beyond it, only the critical ones


def write_html(report: RunReport, path: Path, redact: Callable[[str], str]) -> Path:
    path.write_text(render_html(report.to_dict(), redact), encoding="utf-8")
    return path


def render_html(data: dict[str, Any], redact: Callable[[str], str]) -> str:
    """The page, masked twice: every string of the data before escaping (a secret with ``'`` or ``<``
    would otherwise survive as ``&#39;`` or ``\\u003c``), then the page as written."""
    page = environment().get_template("report.html.j2").render(**page_context(redact_tree(data, redact)))
    return redact(page).replace(PLOTLY_SLOT, f"<script>{plotly_js()}</script>", 1)


def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("harness.report", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True)
    env.filters["clock"] = format_clock
    return env


def plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    text: str = get_plotlyjs()
    return text


def format_ms(value_us: Any) -> str:
    return "—" if value_us is None else f"{float(value_us) / 1000:.3f} ms"


def format_clock(epoch_s: Any) -> str:
    return "—" if epoch_s is None else time.strftime("%H:%M:%S UTC", time.gmtime(float(epoch_s)))


def all_charts(data: dict[str, Any]) -> dict[str, list[Chart]]:
    """Every chart of the page, by section."""
    origin = time_origin(data)
    timeline = data.get("timeline") or []
    return {"latency": _guarded("latency", lambda: latency_charts(data.get("latency") or {}, origin)),
            "broker": _guarded("broker", lambda: broker_charts(timeline, data.get("reliability"), origin)),
            "faults": _guarded("faults", lambda: fault_charts(data.get("reliability"), timeline, origin))}


def _guarded(section: str, build: Callable[[], list[Chart]]) -> list[Chart]:
    """A section's charts; data of an unexpected shape costs that section, never the report."""
    try:
        return build()
    except (KeyError, TypeError, ValueError, IndexError, ZeroDivisionError, AttributeError) as exc:
        why = f"{type(exc).__name__}: {exc}"[:200]
        return [Chart(f"{section}-unreadable", section, empty=f"These charts could not be drawn from the "
                                                                f"report's {section} data ({why}).")]


def finding_view(finding: dict[str, Any], fail_at: str, few: bool) -> dict[str, Any]:
    """A finding as the page shows it: open when critical or when there are few, with its curl line apart."""
    reproduce = str(finding.get("reproduce") or "")
    curls = [line.strip() for line in reproduce.splitlines() if line.strip().startswith("curl ")]
    gating = _rank(finding.get("severity")) <= _rank(fail_at)
    return {**finding, "reproduce": reproduce, "curl": curls[0] if curls else "", "gating": gating,
            "open": few or finding.get("severity") == "critical"}


def _rank(severity: Any) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def latency_rows(latency: dict[str, Any]) -> list[tuple[str, str]]:
    measured = latency.get("webhook_to_queue_us") or {}
    floor = latency.get("floor_publish_to_queue_us") or {}
    rows = [(f"webhook → queue {k}", format_ms(measured.get(k))) for k in ("p50", "p95", "p99", "max")]
    rows += [(f"floor (publish → queue) {k}", format_ms(floor.get(k))) for k in ("p50", "p99")]
    rows += [("requests measured", str(measured.get("count") or 0)),
             ("rate", f"{float(latency.get('rate_rps') or 0):.1f} req/s"),
             ("SLO", f"p99 under {latency.get('slo_p99_ms', '—')} ms")]
    rows += [("measured with", str(latency["topology"]))] if latency.get("topology") else []
    if cpu := latency.get("cpu"):
        rows.append(("cores during the window", f"{cpu['machine_busy_pct']:g}% of {cpu['cores']} busy; generator "
                                                f"{cpu['generator_pct']:g}%, tap {cpu['tap_pct']:g}% of a core"))
    return rows


PAGE_DEFAULTS: dict[str, Any] = {"target": "?", "verdict": "fail", "run_id": "", "checks": [], "findings": [],
                                 "services": {}, "target_runtime": {}}


def latency_charts(latency: dict[str, Any], origin: float | None) -> list[Chart]:
    """The latency section's charts, in reading order: the CDF, the percentile spectrum, the histogram, over time."""
    return [cdf_chart(latency), spectrum_chart(latency), histogram_chart(latency), series_chart(latency, origin)]


def page_context(data: dict[str, Any]) -> dict[str, Any]:
    data = {**PAGE_DEFAULTS, **{k: v for k, v in data.items() if v is not None}}
    fail_at = str(data.get("fail_at") or "high")
    findings = sorted(data.get("findings") or [], key=lambda f: _rank(f.get("severity")))
    charts = {section: [(c, Markup(c.html())) for c in group] for section, group in all_charts(data).items()}
    reliability = data.get("reliability") or {}
    judged, note = judgement_of(data)
    return {"data": data, "verdict": data.get("verdict", "fail"), "fail_at": fail_at,
            "latency_judged": judged, "latency_note": note, "not_judged": NOT_JUDGED,
            "findings": [finding_view(f, fail_at, len(findings) <= OPEN_FINDINGS) for f in findings],
            "causes": list(data.get("causes") or []),
            "severity_counts": Counter(str(f.get("severity")) for f in findings),
            "status_counts": Counter(str(c.get("status")) for c in data.get("checks") or []),
            "severities": SEVERITIES, "statuses": STATUSES, "charts": charts,
            "latency_rows": latency_rows(data.get("latency") or {}),
            "ledger": list((reliability.get("ledger") or {}).items()),
            "faults": list(reliability.get("faults") or []),
            "generated": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "plotly_slot": Markup(PLOTLY_SLOT)}
