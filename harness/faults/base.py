"""What a fault is, and what it acts on.

A fault is a small object with a ``name``, a ``title`` for findings, ``unavailable(session)`` (the reason
it cannot be injected here, or ``None``) and ``inject(context)``, which does its damage, waits for what
it stopped to be started again, and records what it did as a timeline event. Whatever a fault stops, it
starts again in a ``finally``: the fault phase leaves the broker, the database and the target as it
found them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Protocol

from harness.faults.plan import FaultPlan
from harness.ledger.sender import WebhookSender
from harness.session import Session


@dataclass
class FaultContext:
    session: Session
    sender: WebhookSender
    plan: FaultPlan
    scenario: str
    events: list[dict[str, Any]] = field(default_factory=list)

    def record(self, kind: str, started: float, detail: str) -> dict[str, Any]:
        """A timeline event (report.json ``reliability.faults``) from ``started`` until now."""
        event = {"t": started, "end": time.time(), "kind": kind, "detail": detail, "scenario": self.scenario}
        self.events.append(event)
        return event


class Fault(Protocol):
    name: str
    title: str

    def unavailable(self, session: Session) -> str | None:
        """Why this fault cannot be injected with this session's back-end and target, or ``None``."""
        ...

    def inject(self, context: FaultContext) -> None:
        """Do the damage, restore what was stopped, and record the event (blocking)."""
        ...


def pause(seconds: float) -> None:
    time.sleep(max(0.0, min(seconds, 600.0)))
