"""Recovery figures of one fault: time until the target accepts webhooks again, and until the backlog
drains (every webhook accepted before the fault ended has its work done)."""

from __future__ import annotations

from typing import Any

from harness.ledger.account import Verdict
from harness.ledger.records import Delivery


def accepts_again_s(deliveries: list[Delivery], start: float, window_end: float) -> float | None:
    """Seconds from ``start`` to the first accepted send after the last refused one (by send time, among first
    attempts answered in ``[start, window_end)``: a send still waiting for its answer when the next fault began is
    that fault's); 0 when none was refused, ``None`` when none was accepted after it."""
    firsts = [a for d in deliveries if (a := d.first) is not None and start <= a.t + a.elapsed_s < window_end]
    refused = [a.t for a in firsts if not a.accepted]
    if not refused:
        return 0.0
    last = max(refused)
    accepted = [a.t for a in firsts if a.accepted and a.t > last]
    return round(max(min(accepted) - start, 0.0), 3) if accepted else None


def accepting_since(deliveries: list[Delivery], since: float) -> bool:
    """The latest answered webhook first sent after ``since`` got a 2xx: the target accepts again."""
    answered = [a for d in list(deliveries) if (a := d.first) is not None and a.t >= since]
    return bool(answered) and max(answered, key=lambda a: a.t).accepted


def drain_s(verdicts: list[Verdict], fault_end: float) -> float | None:
    """Seconds after ``fault_end`` until every webhook accepted by then had its work done; ``None`` if
    some of it never was (lost)."""
    before = [v for v in verdicts if (t := v.delivery.accepted_at) is not None and t <= fault_end]
    if any(v.outcome == "lost" for v in before):
        return None
    finished = [v.finished for v in before if v.finished is not None]
    return round(max(max(finished, default=fault_end) - fault_end, 0.0), 3)


def recovery(events: list[dict[str, Any]], deliveries: list[Delivery], verdicts: list[Verdict],
             load_end: float) -> list[dict[str, Any]]:
    """One entry per fault event, each judged up to the next event (or the end of the load)."""
    entries = []
    for i, event in enumerate(events):
        window_end = events[i + 1]["t"] if i + 1 < len(events) else load_end
        entries.append({"kind": event["kind"], "t": event["t"], "end": event["end"],
                        "accepts_again_s": accepts_again_s(deliveries, event["t"], window_end),
                        "drain_s": drain_s(verdicts, event["end"])})
    return entries
