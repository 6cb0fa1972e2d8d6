"""Judging each delivery from the evidence, and counting the outcomes.

Outcomes of a delivery, the first that applies:
- ``rejected``: no attempt got a 2xx (Monday would retry it, so it is not lost);
- ``lost``: accepted, yet some task of its work has no final row in ``celery_taskmeta`` (or only a
  FAILURE saying its worker died, WorkerLostError: the message was gone and the work never done) and no
  message in the DLQ carries its ``triggerUuid`` (or no task of it was ever seen at all);
- ``dead_lettered``: a DLQ message carries its ``triggerUuid``;
- ``failed``: every task has a final row, one of them FAILURE;
- ``completed``: every task has a SUCCESS row.

``ignored`` replaces ``lost`` when no accepted delivery of the phase left any trace at all (no message, no
run, no dead letter): the webhook answered 2xx and enqueued nothing for any of them. That is a webhook that
does not read the bodies it was sent (another dialect, most likely), not work that vanished; ``lost``
keeps its meaning, enqueued or accepted work gone while the rest of the phase's work was done.

Independently, a delivery is ``duplicated`` when one attempt of one of its tasks (same task id, same
retry number) started more than once, and ``completed_twice`` when such an attempt also returned twice:
the work itself, not only its start, was repeated.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from harness.ledger.records import WORKER_LOST, Delivery, Evidence, Run

OUTCOMES = ("completed", "failed", "dead_lettered", "lost", "ignored", "rejected")
EXAMPLES = 5


@dataclass(frozen=True)
class Verdict:
    delivery: Delivery
    outcome: str
    unresolved: tuple[str, ...] = ()  # task ids with neither a final row nor a DLQ message
    worker_lost: bool = False  # one of its tasks failed with WorkerLostError and was not run again
    reached_queue: float | None = None  # when its first message reached a queue (tap)
    unroutable: bool = False  # a message of it reached no queue at all
    duplicated: bool = False
    finished: float | None = None  # when the last of its runs returned, or its DLQ message was seen
    traced: bool = True  # something of it was seen: a message, a run or a dead letter
    repeated_tasks: tuple[str, ...] = ()  # the tasks whose one attempt returned twice

    @property
    def completed_twice(self) -> bool:
        return bool(self.repeated_tasks)


def judge(delivery: Delivery, evidence: Evidence) -> Verdict:
    if not delivery.accepted:
        return Verdict(delivery, "rejected")
    trigger = delivery.trigger
    arrivals = evidence.arrivals.get(trigger, [])
    runs = evidence.runs.get(trigger, [])
    ids = evidence.task_ids(trigger)
    unresolved = tuple(sorted(i for i in ids if evidence.rows.get(i, WORKER_LOST) == WORKER_LOST))
    dead = trigger in evidence.dead
    reached = min((a.t for a in arrivals if a.queue != "<unroutable>"), default=None)
    worker_lost = any(evidence.rows.get(i) == WORKER_LOST for i in ids)
    return Verdict(delivery, _outcome(ids, unresolved, dead, evidence, trigger), unresolved, worker_lost, reached,
                   any(a.queue == "<unroutable>" for a in arrivals), _started_twice(runs),
                   _finished(runs, evidence.dead.get(trigger)), bool(ids or arrivals or dead), _returned_twice(runs))


def _outcome(ids: set[str], unresolved: tuple[str, ...], dead: bool, evidence: Evidence, trigger: str) -> str:
    if dead:
        return "dead_lettered"
    if not ids or unresolved:
        return "lost"
    return "failed" if any(evidence.rows[i] != "SUCCESS" for i in ids) else "completed"


def _started_twice(runs: list[Run]) -> bool:
    counts = Counter((r.task_id, r.attempt) for r in runs)
    return any(n > 1 for n in counts.values())


def _returned_twice(runs: list[Run]) -> tuple[str, ...]:
    counts = Counter((r.task, r.task_id, r.attempt) for r in runs if r.done is not None)
    return tuple(sorted({task for (task, _, _), n in counts.items() if n > 1}))


def _finished(runs: list[Run], dead_at: float | None) -> float | None:
    times = [r.done for r in runs if r.done is not None] + ([dead_at] if dead_at is not None else [])
    return max(times) if times else None


def ignored_all(verdicts: list[Verdict]) -> bool:
    """Some deliveries were accepted, and none of them left any trace: a message, a run or a dead letter."""
    accepted = [v for v in verdicts if v.delivery.accepted]
    return bool(accepted) and not any(v.traced for v in accepted)


def with_ignored(verdicts: list[Verdict]) -> list[Verdict]:
    """The verdicts, with every accepted delivery ``ignored`` instead of ``lost`` when none left a trace."""
    if not ignored_all(verdicts):
        return verdicts
    return [replace(v, outcome="ignored") if v.delivery.accepted else v for v in verdicts]


def settled(verdicts: list[Verdict]) -> bool:
    """Every accepted delivery's work has ended (a final row or a DLQ message for each task)."""
    return all(v.outcome != "lost" for v in verdicts)


@dataclass
class Account:
    """The counts of one phase, with example ``triggerUuid``s for each outcome that needs a look."""

    sent: int = 0
    accepted: int = 0
    retried: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    reached_queue: int = 0
    unroutable: int = 0
    duplicated: int = 0
    completed_twice: int = 0
    unexpected: int = 0
    examples: dict[str, list[str]] = field(default_factory=dict)

    @property
    def lost(self) -> int:
        return self.counts["lost"]

    @property
    def ignored(self) -> int:
        return self.counts["ignored"]

    def to_dict(self) -> dict[str, Any]:
        return {"sent": self.sent, "accepted": self.accepted, "rejected": self.counts["rejected"],
                "completed": self.counts["completed"], "failed": self.counts["failed"],
                "dead_lettered": self.counts["dead_lettered"], "lost": self.lost, "ignored": self.ignored,
                "duplicated": self.duplicated, "completed_twice": self.completed_twice,
                "unexpected": self.unexpected, "retried": self.retried, "reached_queue": self.reached_queue,
                "unroutable": self.unroutable, "examples": {k: list(v) for k, v in self.examples.items()}}


def account(verdicts: list[Verdict], unexpected: list[str]) -> Account:
    result = Account(sent=len(verdicts), unexpected=len(unexpected))
    for v in verdicts:
        result.accepted += v.delivery.accepted
        result.retried += len(v.delivery.attempts) > 1
        result.counts[v.outcome] += 1
        result.reached_queue += v.reached_queue is not None
        result.unroutable += v.unroutable
        result.duplicated += v.duplicated
        result.completed_twice += v.completed_twice
        for label, applies in (("lost", v.outcome == "lost"), ("ignored", v.outcome == "ignored"),
                               ("dead_lettered", v.outcome == "dead_lettered"),
                               ("failed", v.outcome == "failed"), ("rejected", v.outcome == "rejected"),
                               ("duplicated", v.duplicated)):
            if applies and len(result.examples.setdefault(label, [])) < EXAMPLES:
                result.examples[label].append(v.delivery.trigger)
    if unexpected:
        result.examples["unexpected"] = unexpected[:EXAMPLES]
    return result
