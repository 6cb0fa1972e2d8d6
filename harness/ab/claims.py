"""The migration document's comparison table, one row each: what it claims, what this run measured.

Each row's evidence comes from the two brokers' reports of the same run (same target, checks, load
and rate). A row this run cannot measure says so, and why, instead of echoing the claim.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from harness.ab.sides import Row

CONFIRMED, CONTRADICTED, NOT_MEASURED = "confirmed", "contradicted", "not measured"
NOT_SHOWN = "not shown"  # measured, and the two brokers came out the same
PARTLY = "partly confirmed"  # the claimed winner won, but a figure the claim gives was not met


@dataclass(frozen=True)
class Claim:
    criterion: str  # as the document writes it
    redis: str
    rabbitmq: str
    winner: str


DOCUMENT_TABLE = (
    Claim("Performance", "⭐⭐⭐⭐⭐ (< 1ms)", "⭐⭐⭐⭐ (< 5ms)", "Redis"),
    Claim("Fiabilité", "⭐⭐⭐", "⭐⭐⭐⭐⭐", "RabbitMQ"),
    Claim("Fonctionnalités Messaging", "⭐⭐", "⭐⭐⭐⭐⭐", "RabbitMQ"),
    Claim("Monitoring", "⭐⭐⭐", "⭐⭐⭐⭐⭐", "RabbitMQ"),
    Claim("Routing Avancé", "⭐", "⭐⭐⭐⭐⭐", "RabbitMQ"),
    Claim("Dead Letter Queues", "❌", "✅", "RabbitMQ"),
    Claim("Message TTL", "⭐⭐", "⭐⭐⭐⭐⭐", "RabbitMQ"),
    Claim("Clustering", "⭐⭐⭐⭐", "⭐⭐⭐⭐⭐", "RabbitMQ"),
)

RELIABILITY = ("acks.", "results.", "dead_letters.crash_loop_is_bounded", "latency.webhooks_reach_queue")
MESSAGING = ("priority.", "retries.", "dead_letters.", "acks.")
DEAD_LETTERS = ("dead_letters.", "topology.dead_letter_path_declared")


@dataclass(frozen=True)
class Evidence:
    reports: Mapping[str, dict[str, Any]]
    rows: list[Row]
    brokers: tuple[str, str]  # (origin: redis, destination: rabbitmq)


def _tally(evidence: Evidence, broker: str, prefixes: tuple[str, ...]) -> tuple[int, int, int]:
    """(passed, failed or error, not applicable) among checks whose id starts with a prefix."""
    statuses = [r.outcomes[broker].status for r in evidence.rows if r.check.startswith(prefixes)]
    return (statuses.count("passed"), statuses.count("failed") + statuses.count("error"), statuses.count("n/a"))


def _tally_text(counts: tuple[int, int, int]) -> str:
    passed, failed, na = counts
    return f"{passed} passed, {failed} failed" + (f", {na} n/a" if na else "")


def _by_checks(evidence: Evidence, claim: Claim, prefixes: tuple[str, ...], what: str) -> dict[str, Any]:
    """The broker passing more of the checks that ran on both wins; on a tie, the one where fewer of them are
    n/a (the feature exists there); otherwise a tie."""
    origin, destination = evidence.brokers
    counts = {b: _tally(evidence, b, prefixes) for b in evidence.brokers}
    common = [r for r in evidence.rows if r.check.startswith(prefixes)
              and all(r.outcomes[b].status in ("passed", "failed", "error") for b in evidence.brokers)]
    passed = {b: sum(r.outcomes[b].status == "passed" for r in common) for b in evidence.brokers}
    names = {origin: "Redis", destination: "RabbitMQ"}
    if passed[origin] != passed[destination]:
        winner, rule = names[max(passed, key=lambda b: passed[b])], f"{len(common)} checks ran on both"
    elif counts[origin][2] != counts[destination][2]:
        winner, rule = names[min(counts, key=lambda b: counts[b][2])], "the same on common checks; fewer n/a"
    else:
        winner, rule = "tie", f"the same on the {len(common)} checks that ran on both"
    applies = any(c[0] + c[1] for c in counts.values())
    return _row(claim, {b: _tally_text(c) for b, c in counts.items()}, winner if applies else None,
                f"{what}: " + "; ".join(f"{b} {_tally_text(c)}" for b, c in counts.items()) + f" ({rule})")


def _row(claim: Claim, measured: dict[str, str], winner: str | None, evidence: str,
         figures_met: bool = True) -> dict[str, Any]:
    verdict = NOT_MEASURED if winner is None else NOT_SHOWN if winner == "tie" else CONTRADICTED
    if winner == claim.winner:
        verdict = CONFIRMED if figures_met else PARTLY
    return {"criterion": claim.criterion, "claimed": {"redis": claim.redis, "rabbitmq": claim.rabbitmq,
                                                      "winner": claim.winner},
            "measured": measured, "measured_winner": winner, "verdict": verdict, "evidence": evidence}


def _latency(report: dict[str, Any]) -> tuple[Any, Any, Any]:
    latency = report.get("latency") or {}
    target, floor = latency.get("webhook_to_queue_us") or {}, latency.get("floor_publish_to_queue_us") or {}
    return target.get("p50"), target.get("p99"), floor.get("p99")


def _ms(value_us: Any) -> str:
    return "—" if value_us is None else f"{float(value_us) / 1000:.2f} ms"


def performance(evidence: Evidence, claim: Claim) -> dict[str, Any]:
    figures = {b: _latency(evidence.reports[b]) for b in evidence.brokers}
    measured = {b: f"p50 {_ms(p50)}, p99 {_ms(p99)} (floor p99 {_ms(floor)})"
                for b, (p50, p99, floor) in figures.items()}
    p99s = {b: f[1] for b, f in figures.items()}
    if any(v is None for v in p99s.values()):
        return _row(claim, measured, None, "the load phase did not run on both brokers (--no-load, or it failed)")
    origin, destination = evidence.brokers
    bounds = {origin: 1000.0, destination: 5000.0}  # the document's "< 1ms" and "< 5ms", in µs
    met = {b: p99s[b] < bounds[b] for b in evidence.brokers}
    within = "; ".join(f"{b} p99 {'within' if met[b] else 'over'} the claimed {bounds[b] / 1000:g} ms"
                       for b in evidence.brokers)
    winner = "Redis" if p99s[origin] < p99s[destination] else "RabbitMQ"
    rate = (evidence.reports[destination].get("latency") or {}).get("rate_rps")
    return _row(claim, measured, winner, f"webhook-to-queue p99 at {rate} webhooks/s on each broker, same run "
                f"(this machine's own figures; compare each with its floor): {within}", all(met.values()))


def monitoring(evidence: Evidence, claim: Claim) -> dict[str, Any]:
    origin, destination = evidence.brokers
    samples = {b: len(evidence.reports[b].get("timeline") or []) for b in evidence.brokers}
    na = _tally(evidence, origin, ("topology.",))[2]
    measured = {destination: f"{samples[destination]} samples of per-queue depth, consumers and rates "
                             "from the management API",
                origin: f"queue depth only (LLEN); no consumer counts, rates or bindings: {na} topology "
                        "checks n/a"}
    winner = "RabbitMQ" if samples[destination] > samples[origin] or na else "tie"
    return _row(claim, measured, winner, "what the harness itself could observe of each broker during the run")


def not_measured(why: str) -> Callable[[Evidence, Claim], dict[str, Any]]:
    def row(evidence: Evidence, claim: Claim) -> dict[str, Any]:
        return _row(claim, {b: "not measured" for b in evidence.brokers}, None, why)
    return row


JUDGES: dict[str, Callable[[Evidence, Claim], dict[str, Any]]] = {
    "Performance": performance,
    "Fiabilité": lambda e, c: _by_checks(e, c, RELIABILITY, "acks, results, crash loops, messages reaching queues"),
    "Fonctionnalités Messaging": lambda e, c: _by_checks(e, c, MESSAGING, "priority, retries, dead letters, acks"),
    "Monitoring": monitoring,
    "Routing Avancé": lambda e, c: _by_checks(e, c, ("routing.",), "routing checks (topic matching, loss safety)"),
    "Dead Letter Queues": lambda e, c: _by_checks(e, c, DEAD_LETTERS, "dead-letter checks"),
    "Message TTL": not_measured("no check of this run sets or observes a message TTL"),
    "Clustering": not_measured("one node of each broker on this machine: clustering is not exercised"),
}


def claims_table(evidence: Evidence) -> list[dict[str, Any]]:
    return [JUDGES[claim.criterion](evidence, claim) for claim in DOCUMENT_TABLE]
