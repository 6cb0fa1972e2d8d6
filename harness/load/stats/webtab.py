"""Rows of the Locust web UI's "Webhook → queue (HDR)" tab, from a run summary.

Values are milliseconds with three decimals (µs resolution). Keys are single words because the UI
camel-cases table keys.
"""

from __future__ import annotations

from typing import Any

TAB_KEY = "webhook-queue-hdr"
NOT_JUDGED = "latency not judged"  # as harness.report.judged says it (not imported: it pulls in plotly)
MAX_HTTP_ROWS = 4  # keeps the rows at nine or fewer, so "1." to "9." sort in order
TAB_TITLE = "Webhook → queue (HDR)"
COLUMNS = [("name", "Measure"), ("count", "# samples"), ("p50", "p50 (ms)"), ("p90", "p90 (ms)"),
           ("p99", "p99 (ms)"), ("p999", "p99.9 (ms)"), ("max", "max (ms)"), ("note", "against SLO and floor")]


def fine_bucket(response_time_ms: float) -> float:
    """Locust's response-time bucketing, at three significant figures: 10 µs steps below 10 ms.

    Locust's own rounds everything under 100 ms to whole milliseconds (so a true p99 of 5.33 ms shows
    as 5); the locustfile installs this one at import, in every process.
    """
    for limit, digits in ((10, 2), (100, 1), (1000, 0), (10_000, -1)):
        if response_time_ms < limit:
            return round(response_time_ms, digits)
    return round(response_time_ms, -2)


def _ms(value: Any) -> str:
    return "-" if value is None else f"{value / 1000:.3f}"


def _row(name: str, figures: dict[str, Any], note: str = "") -> dict[str, Any]:
    row: dict[str, Any] = {"name": name, "count": figures.get("count", 0), "note": note}
    row.update({key: _ms(figures.get(key)) for key in ("p50", "p90", "p99", "p999", "max")})
    return row


def _slo_note(summary: dict[str, Any]) -> str:
    p99, slo = summary["webhook_to_queue_us"]["p99"], summary["slo_p99_ms"]
    if p99 is None:
        return f"SLO p99 ≤ {slo:g} ms: no figure yet"
    ratio, base = summary["floor_ratio"]["p99"], summary["floor_publish_to_queue_us"]["p99"]
    floor = f"; {ratio}× the floor's p99 ({(p99 - base) / 1000:+.3f} ms)" if ratio is not None else ""
    return f"SLO p99 ≤ {slo:g} ms: p99 is {p99 / 1000 / slo:.2f}× the SLO{floor}"


def _failures_note(summary: dict[str, Any]) -> str:
    failures, sends = summary["failures"], summary["sends"]
    http = ", ".join(f"HTTP {code} ×{n}" for code, n in failures["http"].items()) or "no HTTP errors"
    return (f"{http}; timeouts {failures['timeout']}; errors {failures['error']}; lost {failures['lost']}; "
            f"late starts {sends['late']}; dropped {sends['dropped']}; {sends['achieved_rps']}/s sent"
            f"{_cpu_note(summary.get('cpu'))}")


def _cpu_note(cpu: dict[str, Any] | None) -> str:
    if not cpu:
        return ""
    return (f"; CPU while measuring: machine {cpu['machine_busy_pct']:g}% of {cpu['cores']} cores, load process "
            f"{cpu['generator_pct']:g}% and its tap {cpu['tap_pct']:g}% of a core")


def verdict_note(summary: dict[str, Any]) -> str:
    """PASS, FAIL: why, or ``X (latency not judged: why)`` when there is no figure or the floor explains it."""
    reasons: list[str] = summary["reasons"]
    notes: list[str] = summary.get("notes", [])
    word = str(summary["verdict"]).upper()
    if summary["verdict"] == "inconclusive" or summary["webhook_to_queue_us"]["p99"] is None:
        why = reasons[0] if reasons else "no latency figure yet"
        return "; ".join([f"{word} ({NOT_JUDGED}: {why})", *reasons[1:], *notes])
    said = reasons + notes
    return word + (": " + "; ".join(said) if said else "")


def rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The tab's rows, numbered: the UI sorts rows by their first column."""
    verdict = verdict_note(summary)
    blank = dict.fromkeys(("p50", "p90", "p99", "p999", "max"), "")
    table = [
        {"name": "Verdict", "count": summary["sends"]["started"], "note": verdict, **blank},
        _row("webhook → queue, from intended time", summary["webhook_to_queue_us"], _slo_note(summary)),
        _row("webhook → queue, from actual send", summary["webhook_to_queue_uncorrected_us"]),
        _row("floor: publish → queue", summary["floor_publish_to_queue_us"], "the harness publishing straight"
             " to the exchange, read through the same tap"),
    ]
    statuses = sorted(summary["http_us"].items(), key=lambda item: -int(item[1]["count"]))[:MAX_HTTP_ROWS]
    table += [_row(f"HTTP {status}", figures) for status, figures in statuses]
    table.append({"name": "Failures and sends", "count": request_count(summary), "note": _failures_note(summary),
                  **blank})
    return [{**row, "name": f"{i}. {row['name']}"} for i, row in enumerate(table, 1)]


def request_count(summary: dict[str, Any]) -> int:
    failures = summary["failures"]
    return int(sum(failures["http"].values()) + failures["timeout"] + failures["error"] + failures["lost"])


def template_args() -> dict[str, Any]:
    """What the UI's ``template_args`` need to show the tab and its table."""
    return {"extended_tabs": [{"title": TAB_TITLE, "key": TAB_KEY}],
            "extended_tables": [{"key": TAB_KEY, "structure": [{"key": k, "title": t} for k, t in COLUMNS]}]}


def extended_stats(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``extended_stats`` entry added to ``/stats/requests`` answers."""
    return [{"key": TAB_KEY, "data": rows(summary)}]
