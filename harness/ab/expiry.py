"""The Message TTL row, and the dead-letter evidence of the same probe (``harness.ab.probe``).

*Capability*: what became of a task message the harness left in a queue of its own past a 1 s TTL, or
rejected, on each broker: kept (a worker taking it now runs it late), dead-lettered, or dropped.
*As configured*: ``topology.ttl_does_not_drop_work`` on the compared target's queues (a RabbitMQ check:
kombu's Redis transport ignores ``x-message-ttl``, so the same declaration does nothing there).
"""

from __future__ import annotations

from typing import Any

from harness.ab.families import Feature
from harness.ab.sides import Row
from harness.ab.verdicts import NOT_CONFIGURED, NOT_WORKING, TIE, Answer, by_winner, name, unmeasured

TTL_CHECK = "topology.ttl_does_not_drop_work"
MESSAGE_TTL = ("x-message-ttl", "per-message expiration")  # what a message TTL is; x-expires expires queues
DEAD_LETTERING = ("x-message-ttl + x-dead-letter-exchange", "rejected + x-dead-letter-exchange")
CAUSE = dict(zip(DEAD_LETTERING, ("an expired", "a rejected"), strict=True))
KEPT, DEAD_LETTERED = "kept", "dead-lettered"
LOSS_TITLE = "work that waits longer than"  # how harness.checks.ttl titles a TTL that loses work


def probe_fates(probe: dict[str, Any] | None, brokers: tuple[str, str]) -> dict[str, dict[str, str]] | None:
    fates = (probe or {}).get("fates") or {}
    return fates if all(b in fates for b in brokers) else None


def _probe_missing(probe: dict[str, Any] | None, brokers: tuple[str, str]) -> str:
    errors = (probe or {}).get("errors") or {}
    why = "; ".join(f"{b}: {e}" for b, e in errors.items()) or "the probe did not run"
    return f"no TTL probe on both brokers ({why})"


def probe_line(fates: dict[str, dict[str, str]], case: str, brokers: tuple[str, str]) -> dict[str, Any]:
    return {"check": f"probe: {case}", **{b: fates[b].get(case, "—") for b in brokers}, "counted": "feature"}


def honours_ttl(fates: dict[str, str]) -> bool:
    """A message TTL is honoured when an expired message does not stay in its queue."""
    return all(fates.get(case) not in (None, KEPT) for case in MESSAGE_TTL)


def ttl_capability(probe: dict[str, Any] | None, brokers: tuple[str, str], claimed: str) -> Answer:
    fates = probe_fates(probe, brokers)
    if fates is None:
        return unmeasured(brokers, _probe_missing(probe, brokers))
    honours = {b: honours_ttl(fates[b]) for b in brokers}
    winner = TIE if len(set(honours.values())) == 1 else name(next(b for b in brokers if honours[b]))
    ttl_ms = (probe or {}).get("ttl_ms")
    return Answer(by_winner(claimed, winner), winner,
                  {b: "; ".join(f"{case}: {fate}" for case, fate in fates[b].items()) for b in brokers},
                  f"one task message per case in a queue of the harness's own, left {ttl_ms} ms past its TTL "
                  "(or rejected): " + "; ".join(_fate_words(fates[b], b) for b in brokers),
                  [probe_line(fates, case, brokers) for case in fates[brokers[0]]])


def _fate_words(fates: dict[str, str], broker: str) -> str:
    if honours_ttl(fates):
        expired = "dead-lettered" if fates.get(DEAD_LETTERING[0]) == DEAD_LETTERED else "dropped"
        return (f"on {name(broker)} an expired task is dropped, or {expired} with x-dead-letter-exchange: "
                "it never runs late")
    expires = fates.get("x-expires (idle queue)")
    return (f"on {name(broker)} an expired task is kept and runs late when a worker takes it (x-message-ttl and "
            "expiration are ignored: kombu's Redis transport says 'Supports Message TTL: No')"
            + (f"; only x-expires acts, and it {expires} the whole idle queue" if expires and expires != KEPT else ""))


def dead_letter_features(probe: dict[str, Any] | None, brokers: tuple[str, str]) -> tuple[Feature, ...]:
    """The probe's dead-letter cases as a feature one broker has: it dead-lettered, the other did not."""
    fates = probe_fates(probe, brokers)
    if fates is None:
        return ()
    found = []
    for case in DEAD_LETTERING:
        has = [b for b in brokers if fates[b].get(case) == DEAD_LETTERED]
        if len(has) == 1:
            lacks = next(b for b in brokers if b not in has)
            words = f"{name(lacks)} has no dead-letter exchange: {CAUSE[case]} task was {fates[lacks][case]}"
            found.append(Feature(name(has[0]), words, probe_line(fates, case, brokers)))
    return tuple(found)


def ttl_configured(rows: list[Row], brokers: tuple[str, str], claimed: str) -> Answer:
    mine = [r for r in rows if r.check == TTL_CHECK]
    if not any(r.outcomes[b].status in ("passed", "failed", "error") for r in mine for b in brokers):
        return unmeasured(brokers, f"{TTL_CHECK} did not run on either broker")
    seen = {b: ttl_outcomes(mine, b) for b in brokers}
    measured = {b: _configured_words(mine, seen[b], b) for b in brokers}
    lines = [{"check": f"{r.check} [{r.subject}]", **{b: r.outcomes[b].status for b in brokers},
              "counted": "configured"} for r in mine]
    if not any(notes or lost for notes, lost, _ in seen.values()):
        return Answer(NOT_CONFIGURED, None, measured, "the target declares no TTL on its work queues: a task waits "
                      "until a worker takes it, on both brokers", lines)
    works = [b for b in brokers if seen[b][0] and not seen[b][1]]
    winner = name(works[0]) if len(works) == 1 else TIE
    verdict = by_winner(claimed, winner) if works else NOT_WORKING
    said = "; ".join(f"{name(b)}: {measured[b]}" for b in brokers)
    return Answer(verdict, winner, measured, f"the target's own queue TTLs, waited out live: {said}", lines)


def ttl_outcomes(mine: list[Row], broker: str) -> tuple[list[str], list[str], list[str]]:
    """(queues whose TTL kept the work, queues whose TTL lost it, queues the check could not judge)."""
    notes, lost, unjudged = [], [], []
    for row in mine:
        outcome = row.outcomes[broker]
        titles = [str(f.get("title", "")) for f in outcome.findings]
        if outcome.status == "passed" and outcome.reason:
            notes.append(f"{row.subject}: {outcome.reason}")
        elif outcome.status in ("failed", "error") and any(t.startswith(LOSS_TITLE) for t in titles):
            lost.append(f"{row.subject}: {'; '.join(titles)}")
        elif outcome.status in ("failed", "error"):
            unjudged.append(row.subject)
    return notes, lost, unjudged


def _configured_words(mine: list[Row], seen: tuple[list[str], list[str], list[str]], broker: str) -> str:
    notes, lost, unjudged = seen
    ran = [r for r in mine if r.outcomes[broker].status in ("passed", "failed", "error")]
    if not ran:
        reasons = sorted({r.outcomes[broker].reason for r in mine if r.outcomes[broker].reason})
        return "; ".join(reasons) or "the check did not run"
    parts = [*lost, *notes] or ["no TTL declared"]
    parts += [f"not judged on {', '.join(unjudged)} (the check failed before reading a TTL)"] if unjudged else []
    return f"{len(ran)} queue(s) checked: " + "; ".join(parts)
