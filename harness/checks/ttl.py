"""Work-queue TTLs: what becomes of a task that waits in its queue longer than ``x-message-ttl``.

A TTL on a work queue is a promise that late work is not worth doing. Whether that is what the team wants
is theirs to say; what the harness checks is that nothing is dropped silently. It proves it live when
the TTL is short enough to wait out: the queue's consumers paused, one task published, the TTL waited,
the consumers resumed; then the task ran late (fine), was dead-lettered into a queue (parked: a finding
when that queue is not the contract's DLQ, where people look), or vanished (dropped: lost work).
"""

from __future__ import annotations

import time
from typing import Any

from harness.checks.live import executions, publish
from harness.checks.reproduce import harness_line
from harness.checks.topology import broker_queue
from harness.findings import Finding, Severity, WorkExpires
from harness.session import Session
from harness.waiting import poll

CHECK = "topology.ttl_does_not_drop_work"
LIVE_TTL_MAX_MS = 10_000  # a longer TTL is judged from the declaration only
MARGIN_S = 1.0


def queue_ttl(queue: dict[str, Any]) -> tuple[int | None, str | None]:
    """(``x-message-ttl`` in ms, dead-letter exchange) of a queue, from its arguments or its policy."""
    arguments = queue.get("arguments") or {}
    policy = queue.get("effective_policy_definition") or {}
    ttl = arguments.get("x-message-ttl", policy.get("message-ttl"))
    dlx = arguments.get("x-dead-letter-exchange", policy.get("dead-letter-exchange"))
    return (int(ttl) if ttl is not None else None), (str(dlx) if dlx is not None else None)


def ttl_does_not_drop_work(session: Session, name: str) -> str:
    """Passes (with a note) when the queue has no TTL, or when a task that outwaits it still runs or reaches
    the contract's DLQ."""
    ttl_ms, dlx = queue_ttl(broker_queue(session, CHECK, name))
    if ttl_ms is None:
        return f"no x-message-ttl on {name} (argument or policy): nothing waiting in it expires"
    task = next((t.name for t in session.config.contract.tasks if t.queue == name), None)
    if task is None or ttl_ms > LIVE_TTL_MAX_MS:
        return _judge_declaration(session, name, ttl_ms, dlx)
    return _judge_outcome(session, name, ttl_ms, _wait_out(session, name, task, ttl_ms))


def _wait_out(session: Session, queue: str, task: str, ttl_ms: int) -> tuple[bool, list[str]]:
    """(ran, queues it was dead-lettered into) for one task that waited longer than the TTL; when it did not
    run, its loss is this check's finding, not results.no_enqueued_task_is_lost's too."""
    with session.target.consumers_paused(queue):
        task_id = publish(session, CHECK, task)
        time.sleep(ttl_ms / 1000 + MARGIN_S)
    ran = bool(poll(lambda: executions(session, task_id), bool, 5.0))
    moved = sorted({o.queue for o in session.tap.observations(task_id) if o.queue != queue})
    if not ran:
        session.target.forget_published(task_id)
    return ran, moved


def _judge_outcome(session: Session, queue: str, ttl_ms: int, outcome: tuple[bool, list[str]]) -> str:
    ran, moved = outcome
    dlq = session.config.contract.dlq_queue
    said = f"a task that waited {ttl_ms / 1000:g} s (the TTL) in {queue}"
    if ran:
        return f"{said} still ran"
    if dlq in moved:
        return f"{said} was dead-lettered into {dlq}, where people look"
    where = f"dead-lettered into {', '.join(moved)}, not the DLQ {dlq!r}" if moved else "dropped: it vanished"
    raise WorkExpires(_finding(session, queue, Severity.CRITICAL if not moved else Severity.HIGH,
                               f"work that waits longer than {ttl_ms / 1000:g} s in {queue} is lost",
                               f"{said} was {where}"))


def _judge_declaration(session: Session, queue: str, ttl_ms: int, dlx: str | None) -> str:
    said = f"x-message-ttl {ttl_ms} ms on {queue}"
    if dlx is None:
        raise WorkExpires(_finding(session, queue, Severity.HIGH, f"work that waits longer than {ttl_ms / 1000:g} s "
                                   f"in {queue} is dropped", f"{said} and no dead-letter exchange (too long to "
                                   "wait out live: judged from the declaration)"))
    return f"{said}, dead-lettered through {dlx!r} (too long to wait out live: judged from the declaration)"


def _finding(session: Session, queue: str, severity: Severity, title: str, observed: str) -> Finding:
    return Finding(CHECK, queue, severity, title,
                   f"a task that outwaits the queue's TTL still runs, or is parked in the DLQ "
                   f"{session.config.contract.dlq_queue!r} (x-dead-letter-exchange), never dropped", observed,
                   harness_line(session.spec.name, CHECK) + f"; rabbitmqctl list_queues -p {session.vhost} "
                   "name arguments policy")
