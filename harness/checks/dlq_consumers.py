"""Nobody consumes the dead-letter queue, whether or not a dead letter arrived during the run.

A consumer on the DLQ (often the worker itself, started with the DLQ among its ``--queues``) runs each
dead letter's task again and acknowledges it, so the record a person should read and replay vanishes.
The worker's own queues come from the arguments it was started with; on RabbitMQ the broker's list of
the queue's consumers names anyone else (the harness's own tap connections, ``harness-tap-*``, left out).
Redis cannot say who waits on a list, so there only the worker's queues are read.
"""

from __future__ import annotations

from typing import Any

from harness.checks.reproduce import harness_line
from harness.findings import DeadLettersConsumed, Finding, Severity
from harness.launch.workers import recorded_layout, worker_queues
from harness.probes.amqp import queue_counts
from harness.probes.tap import CONNECTION_PREFIX
from harness.session import Session

CHECK = "dead_letters.dlq_has_no_consumer"
def broker_consumers(session: Session, queue: str) -> list[str]:
    """Who consumes ``queue`` on RabbitMQ (connection and consumer tag), the harness's tap left out; consumers
    the broker counts live but the management API does not list yet are counted too."""
    details = (session.api.queue(session.vhost, queue) or {}).get("consumer_details") or []
    live = queue_counts(session.services.broker, [queue]).get(queue)
    return consumers_named(details, live.consumers if live else 0)


def consumers_named(details: list[dict[str, Any]], live: int) -> list[str]:
    """The management API's ``consumer_details`` of a queue, the harness's tap left out, and how many of the
    ``live`` consumers (counted over AMQP) it does not list yet."""
    names = [str((c.get("channel_details") or {}).get("connection_name") or "a connection") for c in details]
    found = [f"{name} (consumer tag {c.get('consumer_tag')!r})"
             for name, c in zip(names, details, strict=True) if not name.startswith(CONNECTION_PREFIX)]
    unlisted = live - len(details)
    return found + ([f"{unlisted} consumer(s) not yet listed by the management API"] if unlisted > 0 else [])


def dlq_has_no_consumer(session: Session) -> None:
    """No consumer on the contract's DLQ: neither the target's worker nor anything else the broker lists."""
    others = [] if session.broker_kind == "redis" else broker_consumers(session, session.config.contract.dlq_queue)
    nobody_consumes_the_dlq(session, others)


def nobody_consumes_the_dlq(session: Session, others: list[str]) -> None:
    """The judgement of :func:`dlq_has_no_consumer`: the target's worker layout, and ``others``, the consumers
    the broker lists."""
    dlq = session.config.contract.dlq_queue
    work = session.config.contract.work_queues
    layouts = [sorted(worker_queues(args, work)) for args in recorded_layout(session.target.description)]
    consuming = [(index, queues) for index, queues in enumerate(layouts, 1) if dlq in queues]
    if consuming or others:
        raise DeadLettersConsumed(_finding(session, dlq, consuming, others))


def _finding(session: Session, dlq: str, consuming: list[tuple[int, list[str]]], others: list[str]) -> Finding:
    said = [f"the target's worker {index} consumes it (--queues={','.join(queues)})" for index, queues in consuming]
    said += [f"the broker lists {len(others)} consumer(s): {'; '.join(others)}"] if others else []
    redis = session.broker_kind == "redis"
    said += ["Redis cannot say who else waits on the list"] if redis else []
    where = "look for the DLQ in the worker's --queues" if redis else f"rabbitmqctl list_consumers -p {session.vhost}"
    return Finding(
        CHECK, dlq, Severity.HIGH, f"something consumes the dead-letter queue {dlq}",
        f"no consumer on {dlq!r}: dead letters wait there for a person to read and replay them",
        f"{'; '.join(said)}. Every dead letter is then executed again and acknowledged: it vanishes instead of "
        "waiting, whether or not one arrived during this run",
        harness_line(session.spec.name, CHECK, session.broker_kind) + f"; {where}")
