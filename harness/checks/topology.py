"""Topology: the contract's queues exist on the broker, durable, bound, with priorities and a DLQ."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from harness.checks.redis_queues import no_list_without_consumers
from harness.checks.reproduce import harness_line
from harness.checks.traffic import event_exchange, is_task_message, not_judged, task_exchanges
from harness.findings import CheckSkipped, Finding, OrphanQueue, Severity, TopologyMismatch
from harness.probes.amqp import QueueCounts, queue_counts
from harness.probes.quorum import refusal
from harness.probes.tap import UNROUTABLE
from harness.session import Session

IGNORED_QUEUES = ("harness.", "celeryev")


def _finding(session: Session, check: str, subject: str, severity: Severity, title: str, expected: str,
             observed: str) -> Finding:
    return Finding(check, subject, severity, title, expected, observed,
                   harness_line(session.spec.name, check) + f"; rabbitmqctl list_queues -p {session.vhost} "
                   "name durable arguments consumers messages")


def broker_queue(session: Session, check: str, name: str) -> dict[str, Any]:
    found = session.api.queue(session.vhost, name)
    if found is None:
        raise TopologyMismatch(_finding(
            session, check, name, Severity.HIGH, f"queue {name} does not exist on the broker",
            f"queue {name!r} declared (by the worker, or at publish)",
            "no such queue in the vhost after the worker started and every task was published once"))
    return found


def queue_is_durable(session: Session, name: str) -> None:
    check = "topology.queue_is_durable"
    if not broker_queue(session, check, name).get("durable"):
        raise TopologyMismatch(_finding(session, check, name, Severity.HIGH, f"queue {name} is not durable",
                                        "durable=True (survives a broker restart)", "durable=False"))


def queue_bound_to_exchange(session: Session, name: str) -> None:
    check, contract = "topology.queue_bound_to_exchange", session.config.contract
    broker_queue(session, check, name)
    exchange = session.api.exchange(session.vhost, contract.exchange)
    if exchange is None or exchange.get("type") != contract.exchange_type:
        observed = "no such exchange" if exchange is None else f"type {exchange.get('type')!r}"
        raise TopologyMismatch(_finding(session, check, name, Severity.HIGH,
                                        f"exchange {contract.exchange} is not a {contract.exchange_type} exchange",
                                        f"{contract.exchange_type} exchange {contract.exchange!r}", observed))
    keys = [b["routing_key"] for b in session.api.bindings_from(session.vhost, contract.exchange)
            if b.get("destination") == name]
    if not keys:
        raise TopologyMismatch(_finding(session, check, name, Severity.HIGH,
                                        f"queue {name} is not bound to {contract.exchange}",
                                        f"a binding from {contract.exchange!r}", "no binding"))


def max_priority_covers_priorities(session: Session, name: str) -> None:
    check = "topology.max_priority_covers_priorities"
    wanted = max(session.config.contract.priorities_of(name), default=0)
    if wanted == 0:
        return
    queue = broker_queue(session, check, name)
    if queue.get("type") == "quorum" and "x-max-priority" not in (queue.get("arguments") or {}):
        quorum_without_priorities(session, name, wanted)
    declared = (queue.get("arguments") or {}).get("x-max-priority")
    if declared is None or int(declared) < wanted:
        raise TopologyMismatch(_finding(
            session, check, name, Severity.HIGH, f"queue {name} ignores message priorities",
            f"x-max-priority >= {wanted} (the highest priority routed to it)",
            f"x-max-priority = {declared}; RabbitMQ ignores a message's priority unless the queue declares it, "
            "and the argument cannot be added to an existing queue (PRECONDITION_FAILED): it must be recreated"))


def quorum_without_priorities(session: Session, name: str, wanted: int) -> None:
    """A quorum queue without x-max-priority: skipped, quoting the broker, when this broker refuses the argument on
    quorum queues (RabbitMQ before 3.12); otherwise judged like any queue (the caller goes on)."""
    reply = refusal(session.services.broker, {"x-max-priority": wanted})
    if reply is not None:
        raise CheckSkipped(f"queue {name} is a quorum queue, and this broker refuses x-max-priority on quorum queues "
                           f"(a scratch quorum queue declared with it got: {reply}); priority within one queue "
                           "cannot be had here, priority.* judges what the workers do")


def dead_letter_path_declared(session: Session) -> None:
    check, dlq = "topology.dead_letter_path_declared", session.config.contract.dlq_queue
    queue = session.api.queue(session.vhost, dlq)
    bound = [b for b in session.api.bindings_from(session.vhost, session.config.contract.exchange)
             if b.get("destination") == dlq]
    if queue is None or not bound:
        raise TopologyMismatch(_finding(
            session, check, dlq, Severity.HIGH, f"dead-letter queue {dlq} is not declared",
            f"queue {dlq!r} bound to {session.config.contract.exchange!r} before the first failure",
            "missing from the broker" if queue is None else "not bound to the contract exchange"))


def messages_are_persistent(session: Session) -> str | None:
    """Every task message is persistent. Celery's event and control messages (transient by design) are not
    task messages: they are named in the returned note, not judged."""
    check, seen, exchanges = "topology.messages_are_persistent", session.tap.observations(), task_exchanges(session)
    note = not_judged([o for o in seen if not is_task_message(o, exchanges)], event_exchange(session))
    transient = sorted({o.task or o.routing_key for o in seen if is_task_message(o, exchanges) and not o.persistent})
    if transient:
        raise TopologyMismatch(_finding(
            session, check, ", ".join(transient), Severity.HIGH, "messages are published transient",
            "delivery_mode=2 (persistent) for every task message",
            f"transient messages for {', '.join(transient)}: a broker restart loses them even in durable queues"
            + (f"; besides, {note}" if note else "")))
    return note


def no_queue_without_consumers(session: Session) -> None:
    """Every queue a message reached (seen by the tap) has a consumer, counted live over AMQP."""
    if session.broker_kind == "redis":
        return no_list_without_consumers(session)
    session.refresh_mirrors()
    reached = {o.queue for o in session.tap.observations()} | _queues_holding_messages(session)
    names = queues_to_judge(reached, session.config.contract.dlq_queue)
    every_queue_has_a_consumer(session, queue_counts(session.services.broker, names))


def queues_to_judge(reached: Iterable[str], dlq: str) -> list[str]:
    """The queues messages reached, but the DLQ, the tap's catcher and the harness's and Celery's own."""
    return sorted(q for q in reached if q != dlq and q != UNROUTABLE and not q.startswith(IGNORED_QUEUES))


def every_queue_has_a_consumer(session: Session, counts: Mapping[str, QueueCounts]) -> None:
    """The judgement of :func:`no_queue_without_consumers` on the live counts of the queues messages reached."""
    check = "topology.no_queue_without_consumers"
    judged = queues_to_judge(counts, session.config.contract.dlq_queue)
    orphans = {name: counts[name] for name in judged if counts[name].consumers == 0}
    if orphans:
        shown = ", ".join(f"{name} ({c.messages} waiting)" for name, c in orphans.items())
        raise OrphanQueue(_finding(session, check, ", ".join(orphans), Severity.HIGH,
                                   "messages wait in a queue no worker consumes",
                                   "every queue that receives messages has a consumer (the DLQ excepted)",
                                   f"no consumer on {shown}"))


def _queues_holding_messages(session: Session) -> set[str]:
    """Queues the tap could not mirror in time (declared at publish), found by their backlog."""
    names = [q["name"] for q in session.api.queues(session.vhost)]
    return {name for name, c in queue_counts(session.services.broker, names).items() if c.messages}
