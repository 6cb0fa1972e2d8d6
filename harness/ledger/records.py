"""What the harness sent (deliveries and their attempts) and what it saw happen to them.

Times are unix epoch seconds (floats) throughout, so sends, tap copies and the worker probes' records
(written by other processes) sit on one axis.
"""

from __future__ import annotations

from dataclasses import dataclass, field

WORKER_LOST = "WORKER_LOST"  # a FAILURE row saying the worker died (WorkerLostError): the work was dropped


@dataclass(frozen=True)
class Attempt:
    """One HTTP request of a delivery: its answer, or the transport error that replaced it."""

    t: float
    status: int | None
    error: str | None = None
    elapsed_s: float = 0.0

    @property
    def accepted(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    def describe(self) -> str:
        return str(self.status) if self.status is not None else (self.error or "no answer")


@dataclass
class Delivery:
    """A webhook the harness sent: one ``triggerUuid``, one body, one or more attempts (retries)."""

    seq: int
    trigger: str
    intended: float
    status_change: bool
    body: bytes = field(repr=False)
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return any(a.accepted for a in self.attempts)

    @property
    def accepted_at(self) -> float | None:
        return next((a.t for a in self.attempts if a.accepted), None)

    @property
    def first(self) -> Attempt | None:
        return self.attempts[0] if self.attempts else None


@dataclass(frozen=True)
class Arrival:
    """A copy of a message the broker routed (the tap): ``queue`` is ``<unroutable>`` when it reached none."""

    queue: str
    task: str | None
    task_id: str | None
    t: float
    persistent: bool


@dataclass(frozen=True)
class Run:
    """One execution of a task recorded by the worker probe; ``done`` is when its body returned."""

    task: str
    task_id: str
    attempt: int  # request.retries + 1
    pid: int
    t: float
    done: float | None = None


@dataclass
class Evidence:
    """Everything seen for one phase, keyed by ``triggerUuid``."""

    arrivals: dict[str, list[Arrival]] = field(default_factory=dict)
    runs: dict[str, list[Run]] = field(default_factory=dict)
    rows: dict[str, str] = field(default_factory=dict)  # task id -> final status in celery_taskmeta, or WORKER_LOST
    dead: dict[str, float] = field(default_factory=dict)  # trigger -> when its DLQ message was seen
    unexpected: list[str] = field(default_factory=list)  # task messages (their ids) the harness never sent

    def task_ids(self, trigger: str) -> set[str]:
        """Every task id known to belong to ``trigger`` (from its messages and its runs)."""
        ids = {a.task_id for a in self.arrivals.get(trigger, ()) if a.task_id}
        return ids | {r.task_id for r in self.runs.get(trigger, ())}
