"""What the tap saw, sorted: the target's task messages, and Celery's own monitoring and control traffic.

With task events on (``worker_send_task_events``, ``task_send_sent_event``, ``celery worker -E``) the worker
and every publisher also send ``task-sent``, ``task-received``, ``worker-heartbeat``... to the ``celeryev``
topic exchange (routing keys ``task.sent``, ``worker.heartbeat``), transient by design; remote control
(``celery inspect``, the harness's own pings) goes through ``celery.pidbox``. The harness's alternate
exchange catches event messages when no monitor is bound to ``celeryev``, so the tap sees them too. Checks
of task messages (their persistence, say) judge only those, and name the rest.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from harness.probes.tap import Observation
from harness.session import Session

EVENT_EXCHANGE = "celeryev"  # Celery's default ``event_exchange``
CONTROL_SUFFIX = ".pidbox"  # celery.pidbox (broadcast), reply.celery.pidbox (replies)


def event_exchange(session: Session) -> str:
    return str(session.target.description.get("conf", {}).get("event_exchange") or EVENT_EXCHANGE)


def task_exchanges(session: Session) -> set[str]:
    """The contract's exchange and every exchange the target's queues and routes name."""
    description: dict[str, Any] = session.target.description
    names = {session.config.contract.exchange, str(description.get("conf", {}).get("task_default_exchange") or "")}
    names |= {str(q.get("exchange") or "") for q in description.get("queues", [])}
    names |= {str((t.get("route") or {}).get("exchange") or "") for t in description.get("tasks", {}).values()}
    return names - {"", event_exchange(session)}


def is_task_message(observation: Observation, exchanges: set[str]) -> bool:
    """A Celery task message: a ``task`` header (protocol 2), or published to a task exchange (protocol 1)."""
    return observation.task is not None or observation.exchange in exchanges


def kind_of(observation: Observation, events: str) -> str:
    if observation.exchange == events:
        return "event"
    return "control" if observation.exchange.endswith(CONTROL_SUFFIX) else "other non-task"


def not_judged(others: list[Observation], events: str) -> str | None:
    """A line naming the non-task messages a check left alone, by kind and exchange (None: there were none)."""
    counts = Counter((kind_of(o, events), o.exchange or "(default)") for o in others)
    if not counts:
        return None
    transient = sum(not o.persistent for o in others)
    parts = [f"{n} {kind} message{'s' * (n > 1)} on {exchange}" for (kind, exchange), n in sorted(counts.items())]
    return (f"{', '.join(parts)} ({transient} transient): Celery's monitoring and control traffic, transient "
            "by design, not task messages, so not judged")
