"""Settling a phase's account: a backlog still being worked off past the hard stop is waited for, bounded; work
that stopped ending is judged as before."""

from __future__ import annotations

import pytest

from harness.ledger import settle as settle_module
from harness.ledger.records import Arrival, Attempt, Delivery, Evidence, Run


def accepted(seq: int) -> Delivery:
    found = Delivery(seq, f"trigger-{seq}", 0.0, False, b"{}")
    found.attempts = [Attempt(0.0, 200)]
    return found


class Backlog:
    """A reader over a queue that every delivery reached, whose worker ends ``per_read`` of them per read (taskflow's
    load phase: 3327 messages queued while the consumers were paused, worked off at about 30 a second), and stops
    after ``stop_after`` of them if given."""

    def __init__(self, deliveries: list[Delivery], per_read: int, stop_after: int | None = None) -> None:
        self.triggers = [d.trigger for d in deliveries]
        self.per_read, self.stop_after, self.done = per_read, stop_after, 0

    def gather(self, sent: set[str]) -> Evidence:
        self.done = min(len(self.triggers), self.done + self.per_read, self.stop_after or len(self.triggers))
        evidence = Evidence()
        for i, trigger in enumerate(self.triggers):
            evidence.arrivals[trigger] = [Arrival("webhooks", "t", f"id-{i}", 1.0, True)]
            if i < self.done:
                evidence.runs[trigger] = [Run("t", f"id-{i}", 1, 7, 2.0, 2.1)]
                evidence.rows[f"id-{i}"] = "SUCCESS"
        return evidence


@pytest.fixture(autouse=True)
def fast(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settle_module, "SETTLE_POLL_S", 0.01)
    monkeypatch.setattr(settle_module, "QUIET_S", 0.03)
    monkeypatch.setattr(settle_module, "IDLE_S", 0.1)
    monkeypatch.setattr(settle_module, "DRAIN_CAP_S", 5.0)


def outcomes(verdicts: list) -> dict[str, int]:  # type: ignore[type-arg]
    found: dict[str, int] = {}
    for v in verdicts:
        found[v.outcome] = found.get(v.outcome, 0) + 1
    return found


def test_a_backlog_still_draining_at_the_hard_stop_is_waited_for() -> None:
    deliveries = [accepted(i) for i in range(300)]
    reader = Backlog(deliveries, per_read=2)  # about 150 reads: well past the 0.2 s hard stop
    verdicts, _ = settle_module.settle(reader, deliveries, 0.05, idle=lambda: False)  # type: ignore[arg-type]
    assert outcomes(verdicts) == {"completed": 300}


def test_work_that_stopped_ending_is_judged_lost_once_nothing_more_ends() -> None:
    deliveries = [accepted(i) for i in range(300)]
    reader = Backlog(deliveries, per_read=2, stop_after=40)
    verdicts, _ = settle_module.settle(reader, deliveries, 0.05, idle=lambda: False)  # type: ignore[arg-type]
    assert outcomes(verdicts) == {"completed": 40, "lost": 260}
