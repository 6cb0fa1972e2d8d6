"""The ``harness ab`` page: both brokers side by side, from the comparison dict (``harness.ab.runner``).

Self-contained like report.html: plotly.js inline, nothing fetched. Each broker's own report.html is
linked for the details of its run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from markupsafe import Markup

from harness.redact import redact_tree
from harness.report.charts import FLOOR_COLOR, SLO_COLOR, Chart, figure
from harness.report.html import PLOTLY_SLOT, environment, plotly_js

BROKER_COLORS = {"redis": "#c0392b", "rabbitmq": "#ff6600"}
FIGURES = (("p50", "p50"), ("p99", "p99"), ("max", "max"))


def write_ab_html(data: dict[str, Any], path: Path, redact: Callable[[str], str] = str) -> Path:
    page = environment().get_template("ab.html.j2").render(**ab_context(redact_tree(data, redact)))
    path.write_text(redact(page).replace(PLOTLY_SLOT, f"<script>{plotly_js()}</script>", 1), encoding="utf-8")
    return path


def latency_chart(latency: dict[str, Any], slo_ms: float) -> Chart:
    """Webhook-to-queue p50/p99/max on each broker, each with its floor, against the SLO."""
    brokers = [b for b, section in latency.items() if ((section or {}).get("webhook_to_queue_us") or {}).get("p99")]
    if not brokers:
        return Chart("ab-latency", "Latency", empty="No load phase ran on either broker, so there is no latency.")
    fig = figure("Webhook-to-queue latency, same target and rate", "", "ms", barmode="group", hovermode="closest")
    for broker in brokers:
        target = latency[broker]["webhook_to_queue_us"]
        fig.add_trace(go.Bar(name=f"{broker} webhook→queue", x=[label for _, label in FIGURES],
                             y=[(target.get(key) or 0) / 1000 for key, _ in FIGURES],
                             marker_color=BROKER_COLORS.get(broker)))
        floor = latency[broker].get("floor_publish_to_queue_us") or {}
        fig.add_trace(go.Bar(name=f"{broker} floor", x=["p50", "p99"],
                             y=[(floor.get("p50") or 0) / 1000, (floor.get("p99") or 0) / 1000],
                             marker_color=FLOOR_COLOR, opacity=0.5 if broker == "redis" else 0.8))
    fig.add_hline(y=slo_ms, line_dash="dash", line_color=SLO_COLOR, annotation_text=f"SLO p99 {slo_ms:g} ms")
    fig.update_yaxes(type="log")
    return Chart("ab-latency", "Latency", fig)


def latency_rows(latency: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for broker, section in latency.items():
        section = section or {}
        target, floor = section.get("webhook_to_queue_us") or {}, section.get("floor_publish_to_queue_us") or {}
        rows.append({"broker": broker, "rate": section.get("rate_rps"), "count": target.get("count"),
                     **{key: _ms(target.get(key)) for key, _ in FIGURES},
                     "floor_p50": _ms(floor.get("p50")), "floor_p99": _ms(floor.get("p99")),
                     "ratio": _ratio(target.get("p99"), floor.get("p99"))})
    return rows


def _ms(value_us: Any) -> str:
    return "—" if value_us is None else f"{float(value_us) / 1000:.3f} ms"


def _ratio(value: Any, floor: Any) -> str:
    return "—" if not value or not floor else f"{float(value) / float(floor):.1f}×"


def ab_context(data: dict[str, Any]) -> dict[str, Any]:
    ab = data.get("ab") or {}
    latency = ab.get("latency") or {}
    slo = next((float(s["slo_p99_ms"]) for s in latency.values() if s and s.get("slo_p99_ms")), 5.0)
    chart = latency_chart(latency, slo)
    checks = ab.get("checks") or []
    return {"data": data, "ab": ab, "brokers": ab.get("brokers") or [], "checks": checks,
            "changes": Counter(str(c.get("change")) for c in checks), "claims": ab.get("claims") or [],
            "latency_rows": latency_rows(latency), "chart": chart, "chart_html": Markup(chart.html()),
            "plotly_slot": Markup(PLOTLY_SLOT)}
