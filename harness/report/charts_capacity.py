"""capacity.html: the SLO capacity climb as a chart of p50, p99 and the floor's p99 against the rate.

One self-contained page (plotly.js inline), drawn from ``capacity.json``'s dict: the target's climb and the
floor path's own climb, the SLO as a line, and each path's capacity as a vertical marker.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

from harness.report.charts import FLOOR_COLOR, P99_COLOR, PLOT_CONFIG, SLO_COLOR, figure, horizontal_line

SERIES = {"webhook": "webhook_to_queue_us", "floor": "floor_publish_to_queue_us"}


def points(climb: dict[str, Any], series: str, statistic: str) -> tuple[list[float], list[float]]:
    xs, ys = [], []
    for step in sorted(climb.get("steps", []), key=lambda s: float(s["rate_rps"])):  # refining steps come last
        value = ((step.get("summary") or {}).get(series) or {}).get(statistic)
        if value is not None:
            xs.append(float(step["rate_rps"]))
            ys.append(value / 1000)
    return xs, ys


def add_line(fig: Any, xy: tuple[list[float], list[float]], name: str, color: str | None, dash: str = "solid") -> None:
    fig.add_trace(go.Scatter(x=xy[0], y=xy[1], mode="lines+markers", name=name,
                             line={"color": color, "dash": dash, "width": 2},
                             hovertemplate=f"{name}: %{{y:.3f}} ms at %{{x:g}}/s<extra></extra>"))


def capacity_marker(fig: Any, capacity: Any, name: str, color: str, top: float) -> None:
    if capacity is not None:
        fig.add_trace(go.Scatter(x=[capacity, capacity], y=[0, top], mode="lines", name=f"{name} {capacity:g}/s",
                                 line={"color": color, "dash": "dot", "width": 2}, hoverinfo="name"))


def capacity_figure(data: dict[str, Any]) -> Any:
    slo = float(data["slo_p99_ms"])
    fig = figure(f"SLO capacity of {data.get('target', 'the target')}: latency against rate", "webhooks/s",
                 "latency (ms)", hovermode="closest")
    webhook, floor = data.get("webhook") or {}, data.get("floor") or {}
    add_line(fig, points(webhook, SERIES["webhook"], "p50"), "webhook → queue p50", None, "dot")
    add_line(fig, points(webhook, SERIES["webhook"], "p99"), "webhook → queue p99", P99_COLOR)
    add_line(fig, points(webhook, SERIES["floor"], "p99"), "floor p99 (beside the target)", FLOOR_COLOR, "dash")
    add_line(fig, points(floor, SERIES["floor"], "p99"), "floor p99 (floor path alone)", FLOOR_COLOR)
    xs = [float(s["rate_rps"]) for c in (webhook, floor) for s in c.get("steps", [])]
    horizontal_line(fig, xs, slo, f"SLO {slo:g} ms", SLO_COLOR)
    capacity_marker(fig, webhook.get("capacity_rps"), "target's SLO capacity", P99_COLOR, slo * 2)
    capacity_marker(fig, floor.get("capacity_rps"), "floor's SLO capacity", FLOOR_COLOR, slo * 2)
    fig.update_xaxes(type="log")
    return fig


def capacity_page(data: dict[str, Any]) -> str:
    text: str = pio.to_html(capacity_figure(data), full_html=True, include_plotlyjs=True, config=PLOT_CONFIG,
                            default_height="560px", default_width="100%")
    return text
