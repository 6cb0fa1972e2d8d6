"""Charts for report.html, drawn with plotly from the report's dict (``RunReport.to_dict()``).

Each chart is a :class:`Chart`: a figure, or the sentence that says why there is none (the phase
that feeds it did not run). The page embeds plotly.js inline, so the figures render offline.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

NO_LOAD = "No load phase ran in this run, so there is no webhook-to-queue latency to chart."
NO_SAMPLES = "No broker samples were taken in this run (the management API was not sampled)."
NO_FAULTS = "No fault phase ran in this run, so there is no fault timeline or message ledger."
SLO_COLOR, FLOOR_COLOR, P99_COLOR = "#d62728", "#7f7f7f", "#ff7f0e"
PLOT_CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["toImage"]}
EPOCH_MIN = 1e9  # a time value above this is unix epoch seconds, below it seconds since a start


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    figure: Any | None = None
    empty: str = ""

    def html(self) -> str:
        """The chart's div and its ``Plotly.newPlot`` call (plotly.js itself is embedded once per page)."""
        if self.figure is None:
            return ""
        text: str = pio.to_html(self.figure, full_html=False, include_plotlyjs=False, div_id=self.key,
                                config=PLOT_CONFIG, default_height="380px", default_width="100%")
        return text


def figure(title: str, x_title: str, y_title: str, **layout: Any) -> Any:
    fig = go.Figure()
    settings: dict[str, Any] = {"template": "plotly_white", "title": {"text": title, "x": 0.01},
                                "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
                                "legend": {"orientation": "h", "y": -0.2}, "hovermode": "x unified"}
    fig.update_layout(**{**settings, **layout})
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text=y_title)
    return fig


def vertical_line(fig: Any, x: float, top: float, name: str, color: str, dash: str = "dash") -> None:
    """A labelled vertical marker drawn as a trace, so it also works on log axes and shows in the legend."""
    fig.add_trace(go.Scatter(x=[x, x], y=[0, top], mode="lines", name=name,
                             line={"color": color, "dash": dash, "width": 2}, hoverinfo="name+x"))


def horizontal_line(fig: Any, xs: list[float], y: float, name: str, color: str) -> None:
    if xs:
        fig.add_trace(go.Scatter(x=[min(xs), max(xs)], y=[y, y], mode="lines", name=name,
                                 line={"color": color, "dash": "dash", "width": 2}))


def ms(value_us: Any) -> float | None:
    return None if value_us is None else float(value_us) / 1000.0


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def time_origin(report: dict[str, Any]) -> float | None:
    """The earliest epoch time in the report's time series: the zero of every time axis."""
    raw = [s.get("t") for s in report.get("timeline") or [] if isinstance(s, dict)]
    raw += [f.get("t") for f in (report.get("reliability") or {}).get("faults") or [] if isinstance(f, dict)]
    raw += [p[0] for p in (report.get("latency") or {}).get("series") or [] if p]
    epochs = [t for t in map(_number, raw) if t is not None and t >= EPOCH_MIN]
    return min(epochs) if epochs else None


def relative(times: Iterable[float], origin: float | None) -> list[float]:
    return [round(t - origin, 3) if origin is not None and t >= EPOCH_MIN else t for t in times]

