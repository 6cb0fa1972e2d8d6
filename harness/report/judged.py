"""Whether a run's latency was judged, and the verdict as people read it.

A run whose webhook-to-queue latency was not judged (the SLO check skipped as inconclusive, the load
phase left out or unable to measure, no figure at all) never shows a plain PASS: every place that
shows the verdict shows :func:`headline`, e.g. ``pass (latency not judged: floor p99 9.000 ms is itself
over the 5 ms SLO ...)``. report.json keeps ``verdict`` (pass | fail) and adds ``latency_judged`` and
``latency_note``. It works on the report's dict, so a report.json written before these keys existed
is read the same way.
"""

from __future__ import annotations

from typing import Any

SLO_CHECKS = ("latency.webhook_to_queue_p99_under_slo", "latency.webhook_to_queue_median_under_slo")
NOT_JUDGED = "latency not judged"
NO_FIGURE = "no webhook produced a message in a queue, so there is no latency figure"
MAX_NOTE = 240


def latency_judgement(checks: list[dict[str, Any]], latency: dict[str, Any] | None) -> tuple[bool, str]:
    """(judged, why not) from the SLO check's record (the last one) and the latency section."""
    records = [c for c in checks if c.get("id") in SLO_CHECKS]
    if not records:
        return False, _no_check(latency or {})
    record = records[-1]
    status = record.get("status")
    if status == "passed":
        return True, ""
    if status == "failed":
        figure = ((latency or {}).get("webhook_to_queue_us") or {}).get("p50")
        return (True, "") if figure is not None else (False, NO_FIGURE)
    return False, one_line(str(record.get("reason") or f"the latency check was {status}"))


def _no_check(latency: dict[str, Any]) -> str:
    if latency.get("skipped"):
        return f"no load phase ran ({latency['skipped']})"
    measured = (latency.get("webhook_to_queue_us") or {}).get("p50") is not None
    return "the latency SLO check did not run" if measured else "no load phase ran"


def judgement_of(data: dict[str, Any]) -> tuple[bool, str]:
    """(judged, why not) of a report's dict: its own keys when it has them, else worked out."""
    if "latency_judged" in data:
        return bool(data["latency_judged"]), str(data.get("latency_note") or "")
    return latency_judgement(list(data.get("checks") or []), data.get("latency"))


def one_line(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= MAX_NOTE else flat[:MAX_NOTE - 1] + "…"


def headline(verdict: str, judged: bool, note: str) -> str:
    """``pass``, or ``pass (latency not judged: <why>)``: never a plain pass when latency was not judged."""
    return verdict if judged else f"{verdict} ({NOT_JUDGED}: {note})"
