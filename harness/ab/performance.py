"""The Performance row: the document's "< 1 ms" for Redis and "< 5 ms" for RabbitMQ, judged like the latency gate.

*Capability* is the floor: the harness publishing straight to the exchange on each broker in the same run,
read through the same tap, with no target in the path. A claimed figure below the floor's p99 is not
resolvable on this machine: the machine does not show that figure for anything, the broker alone included.

*As configured* is the target's webhook-to-queue p99 on each broker: a claim under the floor's own p99 is not
resolvable there either; otherwise it is judged against each claimed figure by
``harness.load.stats.summary.slo_judgement``, the latency gate's own rule with the claim as the SLO: within it
passes; over it is not resolvable only when the floor is over it too and the target adds no more than the
claim on top of the floor; a target that adds more than the whole claim to the floor contradicts it.

A winner is named only when one broker is lower on both p50 and p99.
"""

from __future__ import annotations

from typing import Any

from harness.ab.verdicts import (
    CONTRADICTED,
    NOT_MEASURED,
    NOT_RESOLVABLE,
    Answer,
    by_winner,
    lower_of,
    name,
    unmeasured,
)
from harness.load.stats.summary import slo_judgement

CLAIMED_US = {"redis": 1000.0, "rabbitmq": 5000.0}  # the document's "< 1ms" and "< 5ms"
WORDS = {"pass": "within", "fail": "contradicted", "inconclusive": NOT_RESOLVABLE, "none": NOT_MEASURED}


def _section(report: dict[str, Any]) -> dict[str, Any]:
    return report.get("latency") or {}


def _figures(section: dict[str, Any], key: str) -> tuple[Any, Any]:
    found = section.get(key) or {}
    return found.get("p50"), found.get("p99")


def ms(value_us: Any) -> str:
    return "—" if value_us is None else f"{float(value_us) / 1000:.2f} ms"


def bound_words(broker: str) -> str:
    return f"{name(broker)} < {CLAIMED_US[broker] / 1000:g} ms"


def capability(reports: dict[str, dict[str, Any]], brokers: tuple[str, str], claimed: str) -> Answer:
    floors = {b: _figures(_section(reports[b]), "floor_publish_to_queue_us") for b in brokers}
    if any(f[1] is None for f in floors.values()):
        return unmeasured(brokers, "no floor on both brokers: the load phase did not run on both (--no-load, "
                                   "or it failed)")
    unresolvable = [b for b in brokers if floors[b][1] > CLAIMED_US[b]]
    winner = lower_of(floors)
    verdict = NOT_RESOLVABLE if unresolvable else by_winner(claimed, winner)
    said = [f"{bound_words(b)}: {'not resolvable on this machine' if b in unresolvable else 'within'} "
            f"(floor p99 {ms(floors[b][1])})" for b in brokers]
    return Answer(verdict, winner, {b: f"floor p50 {ms(floors[b][0])}, p99 {ms(floors[b][1])}" for b in brokers},
                  "the harness publishing straight to the exchange on each broker, same run (the floor): "
                  + "; ".join(said) + f"; {_ranking(winner, 'the floors')}")


def configured(reports: dict[str, dict[str, Any]], brokers: tuple[str, str], claimed: str) -> Answer:
    sections = {b: _section(reports[b]) for b in brokers}
    targets = {b: _figures(sections[b], "webhook_to_queue_us") for b in brokers}
    if any(t[1] is None for t in targets.values()):
        return unmeasured(brokers, "the load phase did not run on both brokers (--no-load, or it failed)")
    judged = {b: judgement(sections[b], CLAIMED_US[b]) for b in brokers}
    winner = lower_of(targets)
    verdict = figures_verdict({b: j[0] for b, j in judged.items()}) or by_winner(claimed, winner)
    said = [f"{bound_words(b)}: {WORDS[j[0]]}" + (f" ({j[1]})" if j[1] else "") for b, j in judged.items()]
    return Answer(verdict, winner, {b: target_words(sections[b], WORDS[judged[b][0]]) for b in brokers},
                  f"the target's webhook-to-queue at {sections[brokers[-1]].get('rate_rps')} webhooks/s on each "
                  "broker, same run, judged by the latency gate's rule with each claim as the SLO: "
                  + "; ".join(said) + f"; {_ranking(winner, 'the target figures')}")


def judgement(section: dict[str, Any], claimed_us: float) -> tuple[str, str]:
    """slo_judgement of the target's p99 with the claimed figure as the SLO; a claim under the floor's own p99
    is not resolvable on this machine, whatever the target adds (nothing here shows that figure)."""
    floor = (section.get("floor_publish_to_queue_us") or {}).get("p99")
    if floor is not None and float(floor) > claimed_us:
        return "inconclusive", f"the floor's own p99 {ms(floor)} is over the claimed {claimed_us / 1000:g} ms"
    summary = {**section, "slo_p99_ms": claimed_us / 1000}
    for key in ("webhook_to_queue_us", "floor_publish_to_queue_us"):
        summary[key] = {"p50": None, "p99": None, **(section.get(key) or {})}
    return slo_judgement(summary)


def figures_verdict(judged: dict[str, str]) -> str | None:
    """A claimed figure contradicted, or not resolvable, decides the row before the ranking does."""
    if "fail" in judged.values():
        return CONTRADICTED
    if "inconclusive" in judged.values():
        return NOT_RESOLVABLE
    return None


def target_words(section: dict[str, Any], word: str) -> str:
    p50, p99 = _figures(section, "webhook_to_queue_us")
    floor = _figures(section, "floor_publish_to_queue_us")[1]
    return f"p50 {ms(p50)}, p99 {ms(p99)} (floor p99 {ms(floor)}): {word}"


def _ranking(winner: str | None, what: str) -> str:
    if winner is None or winner == "tie":
        return f"{what} rank neither broker first (p50 and p99 disagree)"
    return f"{what} rank {winner} first on p50 and p99"
