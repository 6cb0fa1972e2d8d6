"""The figures of one load run (report.json's ``latency`` section) and the latency gate's verdict.

Stable keys, as DESIGN.md fixes them: ``webhook_to_queue_us`` {count, p50, p95, p99, max},
``floor_publish_to_queue_us`` {p50, p99}, ``rate_rps``, ``slo_p99_ms``. ``webhook_to_queue_us`` is
counted from each send's *intended* time (coordinated-omission corrected); the figures from the
actual send are in ``webhook_to_queue_uncorrected_us``. Failures are counted by kind and never
contribute a latency. For the HTML report: ``hdr`` is the encoded HdrHistogram of
``webhook_to_queue_us`` (µs), ``histogram`` its log-scale buckets ``[upper_us, count]``, ``series``
``[[s since start, p50_us, p99_us], ...]`` per window, and ``hdr_series`` every series encoded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness.load.stats.cpu import cpu_notes, instrument_cost
from harness.load.stats.histograms import (
    CORRECTED,
    FLOOR,
    HTTP_PREFIX,
    UNCORRECTED,
    LatencyBook,
    log_buckets,
    percentiles,
)

EXIT_LATENCY_GATE = 3  # distinct from Locust's 1 (requests failed) and 2 (unhandled error)
EXIT_INCONCLUSIVE = 4  # over the SLO, but the floor is too and explains the excess: not judged


@dataclass(frozen=True)
class RunFacts:
    rate_rps: float
    shape: str
    duration_s: float
    slo_p99_ms: float
    deadline_s: float
    warmup_s: float = 0.0
    processes: int = 1
    cpu: dict[str, Any] | None = None  # the busiest load process's harness.load.stats.cpu reading (live, then final)


def failures_of(counters: dict[str, int]) -> dict[str, Any]:
    http = {k.removeprefix("http_"): v for k, v in sorted(counters.items()) if k.startswith("http_") and v}
    return {"http": http, "timeout": counters.get("timeout", 0), "error": counters.get("error", 0),
            "lost": counters.get("lost", 0), "unroutable": counters.get("unroutable", 0)}


def sends_of(counters: dict[str, int], duration_s: float) -> dict[str, Any]:
    started = counters.get("sent", 0)
    return {"started": started, "accepted": counters.get("accepted", 0), "late": counters.get("late", 0),
            "dropped": counters.get("dropped", 0), "warmup": counters.get("warmup_sent", 0),
            "warmup_failed": counters.get("warmup_failed", 0),
            "achieved_rps": round(started / duration_s, 1) if duration_s > 0 else 0.0}


def _encoded(book: LatencyBook, series: str) -> str | None:
    found = book.histograms.get(series)
    return found.encode().decode("ascii") if found is not None and found.get_total_count() else None


def _ratio(value: Any, floor: Any) -> float | None:
    return round(value / floor, 2) if value and floor else None


def summarize(book: LatencyBook, facts: RunFacts) -> dict[str, Any]:
    corrected = percentiles(book.histograms.get(CORRECTED))
    floor = percentiles(book.histograms.get(FLOOR))
    counters = dict(book.counters)
    summary: dict[str, Any] = {
        "webhook_to_queue_us": corrected,
        "webhook_to_queue_uncorrected_us": percentiles(book.histograms.get(UNCORRECTED)),
        "floor_publish_to_queue_us": floor,
        "floor_ratio": {"p50": _ratio(corrected["p50"], floor["p50"]), "p99": _ratio(corrected["p99"], floor["p99"])},
        "rate_rps": facts.rate_rps,
        "shape": facts.shape or "constant",
        "duration_s": round(facts.duration_s, 2),
        "warmup_s": facts.warmup_s,
        "processes": facts.processes,
        "cpu": facts.cpu,
        "instrument_pct_per_100_rps": instrument_cost(facts.cpu, facts.rate_rps),
        "slo_p99_ms": facts.slo_p99_ms,
        "deadline_s": facts.deadline_s,
        "http_us": {status: percentiles(h) for status, h in sorted(book.series(HTTP_PREFIX).items())},
        "failures": failures_of(counters),
        "sends": sends_of(counters, facts.duration_s),
        "floor_sends": {"sent": counters.get("floor_sent", 0), "seen": counters.get("floor_seen", 0)},
        "histogram": log_buckets(book.histograms.get(CORRECTED)),
        "hdr": _encoded(book, CORRECTED),
        "hdr_series": {name: _encoded(book, name) for name, h in book.histograms.items() if h.get_total_count()},
        "series": [],
    }
    verdict = judge(summary)
    summary.update(verdict=verdict.verdict, reasons=verdict.reasons, notes=notes(summary))
    return summary


@dataclass(frozen=True)
class Verdict:
    verdict: str  # pass | fail | inconclusive
    reasons: list[str]
    latency_failed: bool  # p99 over the SLO, messages lost, or no figure: exit EXIT_LATENCY_GATE

    @property
    def passed(self) -> bool:
        return self.verdict == "pass"

    @property
    def exit_code(self) -> int | None:
        """The headless run's exit code when latency decides it (None: Locust's own rules)."""
        if self.latency_failed:
            return EXIT_LATENCY_GATE
        return EXIT_INCONCLUSIVE if self.verdict == "inconclusive" else None


def request_failures(summary: dict[str, Any]) -> int:
    failures = summary["failures"]
    return int(sum(failures["http"].values()) + failures["timeout"] + failures["error"])


def slo_judgement(summary: dict[str, Any], statistic: str = "p99") -> tuple[str, str]:
    """(pass | fail | inconclusive | none, reason) for ``statistic`` (p99, or p50) against the SLO.

    The floor is the best this machine does right now (the harness publishing straight to the exchange).
    A figure over the SLO is inconclusive only when the floor explains it: the floor's own figure is over
    the SLO and the target adds no more than the SLO on top of it. A target that adds more than the whole
    SLO to the floor fails, with both figures; so does one over the SLO beside a floor within it (or no
    floor), and a p99 whose median is over the SLO while the floor's median is within it.
    """
    value, base = summary["webhook_to_queue_us"][statistic], summary["floor_publish_to_queue_us"][statistic]
    slo = summary["slo_p99_ms"]
    if value is None:
        return "none", "no webhook produced a message in a queue: there is no latency figure"
    if value <= slo * 1000:
        return "pass", ""
    over = f"{statistic} {value / 1000:.3f} ms exceeds the SLO of {slo:g} ms"
    if base is None or base <= slo * 1000:
        return "fail", over + ("" if base is None else f" while the floor's {statistic} is {base / 1000:.3f} ms")
    if value - base > slo * 1000:
        return "fail", (f"{over}: it adds {(value - base) / 1000:.3f} ms on top of the floor's {statistic} "
                        f"({base / 1000:.3f} ms), more than the whole SLO")
    if statistic != "p50" and slo_judgement(summary, "p50")[0] == "fail":
        return "fail", f"{over}, and so does the median ({summary['webhook_to_queue_us']['p50'] / 1000:.3f} ms)"
    return "inconclusive", explained(summary, statistic)


def explained(summary: dict[str, Any], statistic: str) -> str:
    """Why an excess is the machine's: one line, read after "latency not judged: "."""
    value, base = summary["webhook_to_queue_us"][statistic], summary["floor_publish_to_queue_us"][statistic]
    cpu = summary.get("cpu")
    busy = f" (its {cpu['cores']} cores were {cpu['machine_busy_pct']:g}% busy)" if cpu else ""
    return (f"floor {statistic} {base / 1000:.3f} ms is itself over the {summary['slo_p99_ms']:g} ms SLO and "
            f"explains the target's {value / 1000:.3f} ms ({(value - base) / 1000:+.3f} ms): this machine "
            f"cannot judge it{busy}")


def judge(summary: dict[str, Any]) -> Verdict:
    """Pass only with a figure, p99 (from intended time) within the SLO, nothing lost, nothing failed."""
    reasons, latency_failed = [], False
    slo, why = slo_judgement(summary)
    lost, failed = summary["failures"]["lost"], request_failures(summary)
    if why:
        reasons.append(why)
    latency_failed = slo == "fail" or (slo == "none" and failed == 0)
    if lost:
        reasons.append(f"{lost} accepted webhooks never reached a queue within {summary['deadline_s']:g}s")
        latency_failed = True
    if failed:
        reasons.append(f"{failed} webhooks failed ({describe_failures(summary['failures'])})")
    inconclusive = slo == "inconclusive" and not latency_failed and not failed
    verdict = "inconclusive" if inconclusive else ("fail" if reasons else "pass")
    return Verdict(verdict, reasons, latency_failed)


def describe_failures(failures: dict[str, Any]) -> str:
    parts = [f"HTTP {code}: {n}" for code, n in failures["http"].items()]
    parts += [f"{kind}: {failures[kind]}" for kind in ("timeout", "error", "lost") if failures[kind]]
    return ", ".join(parts) or "none"


def notes(summary: dict[str, Any]) -> list[str]:
    """Context that is not a failure of the target: sends that could not start on time, busy CPUs."""
    sends, found = summary["sends"], []
    if sends["late"] or sends["dropped"]:
        found.append(f"{sends['late']} sends started late and {sends['dropped']} were dropped: the target or the "
                     "generator could not keep up; latency from the intended time includes the wait")
    return found + cpu_notes(summary.get("cpu"))


def one_line(summary: dict[str, Any]) -> str:
    """A short human summary: corrected p50/p99, floor, ratios and the verdict."""
    c, f, r = summary["webhook_to_queue_us"], summary["floor_publish_to_queue_us"], summary["floor_ratio"]
    if c["p50"] is None:
        return f"webhook-to-queue: no figure; verdict {summary['verdict']}: {'; '.join(summary['reasons'])}"
    floor = f"floor p50 {f['p50'] / 1000:.3f} p99 {f['p99'] / 1000:.3f} ms" if f["p50"] is not None else "no floor"
    text = (f"webhook-to-queue n={c['count']} p50 {c['p50'] / 1000:.3f} ms p99 {c['p99'] / 1000:.3f} ms "
            f"(SLO {summary['slo_p99_ms']:g} ms); {floor}; ratio p50 {r['p50']}x p99 {r['p99']}x; "
            f"verdict {verdict_word(summary['verdict'])}")
    return text + (f": {'; '.join(summary['reasons'])}" if summary["reasons"] else "")


def verdict_word(verdict: str) -> str:
    """The load verdict as said to people: an inconclusive result is latency not judged."""
    return "inconclusive (latency not judged)" if verdict == "inconclusive" else verdict
