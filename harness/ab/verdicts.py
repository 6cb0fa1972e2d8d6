"""The words a row of the comparison table may say, and the rules that choose them.

Each row answers two questions apart (``harness.ab.claims``): *capability*, can this broker do it at all
(the correctly configured ``reference`` target on both brokers, and the harness's own probes), and *as
configured*, does the compared target's configuration get it on each broker. Each answer names a winner
only from evidence both brokers gave: checks that ran on both and came out differently, or a feature that
is the row's subject, shown working on one broker and absent from the other (said in words).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CONFIRMED, CONTRADICTED, NOT_MEASURED = "confirmed", "contradicted", "not measured"
NOT_SHOWN = "not shown"  # measured, and the two brokers came out the same (or the evidence pulls both ways)
PARTLY = "partly confirmed"  # the claimed winner won, but a figure or mark the claim gives was not met
NOT_RESOLVABLE = "not resolvable on this machine"  # the claimed figure is below what this run's floor resolves
NOT_WORKING = "not working on either broker"  # every check of the row that ran on both failed on both
NOT_CONFIGURED = "not used by the target"  # its configuration does not use the feature: nothing to show
TIE = "tie"
NAMES = {"redis": "Redis", "rabbitmq": "RabbitMQ"}


def name(broker: str) -> str:
    return NAMES.get(broker, broker)


@dataclass(frozen=True)
class Answer:
    """One question's answer for one row: its verdict, the winner it names, and the evidence behind it."""

    verdict: str
    winner: str | None  # Redis | RabbitMQ | tie | None (nothing measured)
    measured: dict[str, str]  # broker -> what was measured there, in words
    evidence: str
    checks: list[dict[str, Any]] = field(default_factory=list)  # {check, redis, rabbitmq, counted}

    def to_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "winner": self.winner, "measured": self.measured,
                "evidence": self.evidence, "checks": self.checks}


def unmeasured(brokers: tuple[str, str], why: str) -> Answer:
    return Answer(NOT_MEASURED, None, {b: "not measured" for b in brokers}, why)


def by_winner(claimed: str, winner: str | None) -> str:
    """confirmed when the claimed winner won, contradicted when the other did, not shown on a tie."""
    if winner is None:
        return NOT_MEASURED
    if winner == TIE:
        return NOT_SHOWN
    return CONFIRMED if winner == claimed else CONTRADICTED


def agreed_winner(*winners: str | None) -> str | None:
    """One winner from several pieces of evidence: those that name one must agree, else it is a tie."""
    named = {w for w in winners if w not in (None, TIE)}
    if len(named) == 1:
        return named.pop()
    if named:
        return TIE  # the evidence pulls both ways
    return TIE if TIE in winners else None


def lower_of(figures: dict[str, tuple[Any, ...]]) -> str | None:
    """The broker whose figures (p50, p99, ...) are all lower; a tie when they disagree; None without figures."""
    (a, fa), (b, fb) = figures.items()
    if any(v is None for v in (*fa, *fb)):
        return None
    if all(x < y for x, y in zip(fa, fb, strict=True)):
        return name(a)
    if all(y < x for x, y in zip(fa, fb, strict=True)):
        return name(b)
    return TIE


def headline(capability: Answer, configured: Answer) -> str:
    """The row's verdict in one phrase: both answers, or one word when they agree."""
    if capability.verdict == configured.verdict:
        return capability.verdict
    return f"capability {capability.verdict}; as configured: {configured.verdict}"
