"""The migration document's comparison table, one row each: what it claims, and two answers measured apart.

*Capability*: can this broker do it at all. Answered by the correctly configured ``reference`` target on
both brokers (``harness.ab.capability``), by the floor of the load phase (the harness alone, no target)
and by the harness's own TTL and dead-letter probe (``harness.ab.probe``).
*As configured*: does the compared target's configuration get it, on each broker. Answered by that
target's two reports of the same run (same checks, load and rate).

n/a is neither a win nor a loss (``harness.ab.families``). A row this run cannot measure says so, and why,
instead of echoing the claim; the row's ``verdict`` puts both answers in one phrase (``verdicts.headline``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from harness.ab import expiry, performance
from harness.ab.clustering import clustering
from harness.ab.families import Family, family_answer
from harness.ab.sides import Row, side_by_side
from harness.ab.verdicts import TIE, Answer, by_winner, headline, name, unmeasured


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
MESSAGING = ("priority.", "retries.", "dead_letters.", "acks.", "topology.dead_letter_path_declared")
DEAD_LETTERS = ("dead_letters.", "topology.dead_letter_path_declared")
NO_DLX = {"topology.dead_letter_path_declared": "{broker} has no dead-letter exchange"}
FAMILIES = {
    "Fiabilité": Family(RELIABILITY, "acks, results, crash loops, messages reaching queues"),
    "Fonctionnalités Messaging": Family(MESSAGING, "priority, retries, dead letters, acks", NO_DLX),
    "Routing Avancé": Family(("routing.",), "routing checks (topic matching, loss safety)"),
    "Dead Letter Queues": Family(DEAD_LETTERS, "dead-letter checks", NO_DLX,
                                 works=("dead_letters.dead_letters_after_max_retries",)),
}
PROBED_DEAD_LETTERS = ("Fonctionnalités Messaging", "Dead Letter Queues")  # rows the probe's DLX cases speak to


@dataclass(frozen=True)
class Capability:
    """The capability run's reports (``reference`` on both brokers), or why there are none."""

    reports: Mapping[str, dict[str, Any]] | None = None
    source: str = "no capability run"
    rows: list[Row] = field(default_factory=list)

    @classmethod
    def of(cls, reports: Mapping[str, dict[str, Any]], source: str) -> Capability:
        return cls(reports, source, side_by_side(reports))


@dataclass(frozen=True)
class Evidence:
    reports: Mapping[str, dict[str, Any]]  # the compared target's report on each broker
    rows: list[Row]
    brokers: tuple[str, str]  # (origin: redis, destination: rabbitmq)
    capability: Capability = field(default_factory=Capability)
    probe: dict[str, Any] | None = None  # harness.ab.probe.probe_brokers
    cluster_runs: Mapping[str, tuple[Path, dict[str, Any]]] = field(default_factory=dict)  # target -> cluster run


Judge = Callable[[Evidence, Claim], tuple[Answer, Answer]]


def marked_absent(claim: Claim) -> frozenset[str]:
    """The brokers the claim marks as without the feature at all (❌)."""
    return frozenset(b for b, mark in (("redis", claim.redis), ("rabbitmq", claim.rabbitmq)) if "❌" in mark)


def by_family(evidence: Evidence, claim: Claim) -> tuple[Answer, Answer]:
    family, brokers = FAMILIES[claim.criterion], evidence.brokers
    probed = expiry.dead_letter_features(evidence.probe, brokers) if claim.criterion in PROBED_DEAD_LETTERS else ()
    capability = family_answer(evidence.capability.rows, brokers, family, claim.winner, marked_absent(claim), probed)
    capability = replace(capability, evidence=f"{evidence.capability.source}: {capability.evidence}")
    return capability, family_answer(evidence.rows, brokers, family, claim.winner, marked_absent(claim))


def by_latency(evidence: Evidence, claim: Claim) -> tuple[Answer, Answer]:
    reports, brokers = dict(evidence.reports), evidence.brokers
    return performance.capability(reports, brokers, claim.winner), performance.configured(reports, brokers,
                                                                                          claim.winner)


def by_ttl(evidence: Evidence, claim: Claim) -> tuple[Answer, Answer]:
    return (expiry.ttl_capability(evidence.probe, evidence.brokers, claim.winner),
            expiry.ttl_configured(evidence.rows, evidence.brokers, claim.winner))


def monitoring(evidence: Evidence, claim: Claim) -> tuple[Answer, Answer]:
    """What the harness itself could observe of each broker: the same for any target, so both answers agree."""
    answer = observed(evidence.reports, evidence.rows, evidence.brokers, claim)
    return answer, replace(answer, evidence=f"the same for any target: {answer.evidence}")


def observed(reports: Mapping[str, dict[str, Any]], rows: list[Row], brokers: tuple[str, str],
             claim: Claim) -> Answer:
    origin, destination = brokers
    samples = {b: len(reports[b].get("timeline") or []) for b in brokers}
    na = sum(r.outcomes[origin].status == "n/a" for r in rows if r.check.startswith("topology."))
    measured = {destination: f"{samples[destination]} samples of per-queue depth, consumers and rates from the "
                             "management API",
                origin: f"queue depth only (LLEN); no consumer counts, rates or bindings: {na} topology checks n/a"}
    winner = name(destination) if samples[destination] > samples[origin] or na else TIE
    words = f"{name(origin)} has no management API: per-queue consumers, rates and bindings cannot be read there"
    return Answer(by_winner(claim.winner, winner), winner, measured,
                  "what the harness itself could observe of each broker during the run" + (f"; {words}" if na else ""))


def by_cluster(evidence: Evidence, _claim: Claim) -> tuple[Answer, Answer]:
    """The newest cluster runs of the reference and of the compared target (``harness.ab.clustering``)."""
    target = str(evidence.reports[evidence.brokers[1]].get("target"))
    return clustering(evidence.cluster_runs, target, evidence.brokers)


def not_measured(why: str) -> Judge:
    def judge(evidence: Evidence, claim: Claim) -> tuple[Answer, Answer]:
        return unmeasured(evidence.brokers, why), unmeasured(evidence.brokers, why)
    return judge


JUDGES: dict[str, Judge] = {
    "Performance": by_latency,
    "Fiabilité": by_family,
    "Fonctionnalités Messaging": by_family,
    "Monitoring": monitoring,
    "Routing Avancé": by_family,
    "Dead Letter Queues": by_family,
    "Message TTL": by_ttl,
    "Clustering": by_cluster,
}


def claim_row(claim: Claim, capability: Answer, configured: Answer) -> dict[str, Any]:
    return {"criterion": claim.criterion,
            "claimed": {"redis": claim.redis, "rabbitmq": claim.rabbitmq, "winner": claim.winner},
            "verdict": headline(capability, configured),
            "capability": capability.to_dict(), "configured": configured.to_dict()}


def claims_table(evidence: Evidence) -> list[dict[str, Any]]:
    return [claim_row(claim, *JUDGES[claim.criterion](evidence, claim)) for claim in DOCUMENT_TABLE]
