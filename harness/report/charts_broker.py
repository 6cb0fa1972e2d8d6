"""Broker charts from the sampler's timeline (queue depths, message rates, connections, consumers,
memory) and the fault phase's timeline and message ledger."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from harness.report.charts import NO_FAULTS, NO_SAMPLES, Chart, figure, relative

TAP, CONTROL = "harness tap queues (sum)", "celery control queues (sum)"
FAULT_FILL = "rgba(214, 39, 40, 0.12)"


def queue_group(name: str) -> str:
    """Harness mirror queues and Celery's own control queues are summed; the target's are kept apart."""
    if name.startswith("harness."):
        return TAP
    if name.startswith("celeryev.") or name.endswith(".pidbox") or name.startswith("celery@"):
        return CONTROL
    return name


def depth_series(timeline: list[dict[str, Any]]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for name in sorted({queue_group(q) for s in timeline for q in s.get("queues") or {}}):
        groups[name] = [0] * len(timeline)
    for i, sample in enumerate(timeline):
        for name, row in (sample.get("queues") or {}).items():
            groups[queue_group(name)][i] += int(row.get("messages") or 0)
    return groups


def fault_spans(reliability: dict[str, Any] | None, origin: float | None) -> list[tuple[float, float, str]]:
    """(start, end, label) of each fault, on the report's time axis; an instant fault gets 0.5 s."""
    spans = []
    for fault in (reliability or {}).get("faults") or []:
        if "t" not in fault:
            continue
        start = relative([float(fault["t"])], origin)[0]
        end = relative([float(fault["end"])], origin)[0] if fault.get("end") else start + 0.5
        spans.append((start, max(end, start + 0.5), str(fault.get("kind", "fault"))))
    return spans


def shade_faults(fig: Any, spans: list[tuple[float, float, str]]) -> None:
    for start, end, label in spans:
        fig.add_vrect(x0=start, x1=end, fillcolor=FAULT_FILL, line_width=0, annotation_text=label,
                      annotation_position="top left")


def depth_chart(timeline: list[dict[str, Any]], xs: list[float], spans: list[tuple[float, float, str]]) -> Chart:
    fig = figure("Queue depths (messages ready + unacknowledged)", "time (s)", "messages")
    for name, depths in depth_series(timeline).items():
        fig.add_trace(go.Scatter(x=xs, y=depths, name=name, mode="lines"))
    shade_faults(fig, spans)
    return Chart("broker-queues", "Queue depths", fig)


def rates_chart(timeline: list[dict[str, Any]], xs: list[float]) -> Chart:
    fig = figure("Message rates in the run's vhost", "time (s)", "messages / s")
    for key, name in (("publish_rps", "published"), ("deliver_rps", "delivered"), ("ack_rps", "acknowledged")):
        fig.add_trace(go.Scatter(x=xs, y=[s.get(key) or 0 for s in timeline], name=name, mode="lines"))
    return Chart("broker-rates", "Message rates", fig)


def resources_chart(timeline: list[dict[str, Any]], xs: list[float]) -> Chart:
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.update_layout(template="plotly_white", title={"text": "Connections, consumers and node memory", "x": 0.01},
                      margin={"l": 60, "r": 60, "t": 50, "b": 50}, legend={"orientation": "h", "y": -0.2},
                      hovermode="x unified")
    for key, name in (("connections", "connections"), ("consumers", "consumers")):
        fig.add_trace(go.Scatter(x=xs, y=[s.get(key) or 0 for s in timeline], name=name, mode="lines"))
    memory = [None if s.get("memory_bytes") is None else s["memory_bytes"] / 2**20 for s in timeline]
    fig.add_trace(go.Scatter(x=xs, y=memory, name="node memory (MiB)", mode="lines", line={"dash": "dot"}),
                  secondary_y=True)
    fig.update_xaxes(title_text="time (s)")
    fig.update_yaxes(title_text="count", secondary_y=False)
    fig.update_yaxes(title_text="MiB", secondary_y=True)
    return Chart("broker-resources", "Connections, consumers, memory", fig)


def broker_charts(timeline: list[dict[str, Any]], reliability: dict[str, Any] | None,
                  origin: float | None) -> list[Chart]:
    if not timeline:
        return [Chart("broker-queues", "Queue depths", empty=NO_SAMPLES)]
    xs = relative([float(s["t"]) for s in timeline], origin)
    spans = fault_spans(reliability, origin)
    return [depth_chart(timeline, xs, spans), rates_chart(timeline, xs), resources_chart(timeline, xs)]


def fault_timeline_chart(spans: list[tuple[float, float, str]], timeline: list[dict[str, Any]],
                         origin: float | None) -> Chart:
    fig = figure("Fault timeline", "time (s)", "", hovermode="closest")
    fig.add_trace(go.Bar(y=[label for _, _, label in spans], x=[end - start for start, end, _ in spans],
                         base=[start for start, _, _ in spans], orientation="h", name="fault",
                         marker={"color": "#d62728"}))
    if timeline:
        xs = relative([float(s["t"]) for s in timeline], origin)
        depth = [sum(int(q.get("messages") or 0) for q in (s.get("queues") or {}).values()) for s in timeline]
        fig.add_trace(go.Scatter(x=xs, y=depth, name="messages in all queues", mode="lines", yaxis="y2"))
        fig.update_layout(yaxis2={"overlaying": "y", "side": "right", "title": {"text": "messages"}})
    return Chart("faults-timeline", "Fault timeline", fig)


def ledger_chart(ledger: dict[str, Any]) -> Chart:
    items = [(k, v) for k, v in ledger.items() if isinstance(v, int | float)]
    fig = figure("Message ledger", "", "messages", hovermode="closest")
    fig.add_trace(go.Bar(x=[k for k, _ in items], y=[v for _, v in items], name="messages",
                         text=[str(v) for _, v in items], textposition="outside"))
    return Chart("faults-ledger", "Message ledger", fig)


def fault_charts(reliability: dict[str, Any] | None, timeline: list[dict[str, Any]],
                 origin: float | None) -> list[Chart]:
    spans = fault_spans(reliability, origin)
    ledger = (reliability or {}).get("ledger") or {}
    charts = [fault_timeline_chart(spans, timeline, origin)] if spans else []
    charts += [ledger_chart(ledger)] if ledger else []
    return charts or [Chart("faults-timeline", "Fault timeline", empty=NO_FAULTS)]
