"""Topology: contract queues on the broker, durable, bound, with priorities, a DLQ, persistent messages."""

from collections.abc import Callable

import pytest

from harness.checks import replication, topology, ttl
from harness.session import Session

pytestmark = pytest.mark.quick

LISTS = "kombu's Redis transport keeps each queue as plain lists"


@pytest.mark.broker_only(
    "rabbitmq",
    f"durability is a RabbitMQ queue declaration; {LISTS}, kept or lost with the whole "
    "server by its RDB/AOF settings")
def test_queue_is_durable(harness_session: Session, contract_queue: str) -> None:
    topology.queue_is_durable(harness_session, contract_queue)


@pytest.mark.broker_only(
    "rabbitmq",
    "bindings are read from RabbitMQ's management API; on Redis the binding table lives in "
    "kombu's own keys, and routing.route_reaches_queue checks where each task lands")
def test_queue_bound_to_exchange(harness_session: Session, contract_queue: str) -> None:
    topology.queue_bound_to_exchange(harness_session, contract_queue)


@pytest.mark.broker_only(
    "rabbitmq",
    "x-max-priority is a RabbitMQ queue argument; kombu's Redis transport always splits a "
    "queue into one list per priority step (0, 3, 6, 9 by default) and pops step 0 first")
def test_max_priority_covers_priorities(harness_session: Session, contract_queue: str) -> None:
    topology.max_priority_covers_priorities(harness_session, contract_queue)


@pytest.mark.broker_only(
    "rabbitmq",
    "dead-letter exchanges are a RabbitMQ feature; Redis has none, so only a DLQ fed by the "
    "application (checked by dead_letters.*) exists there")
@pytest.mark.check("topology.dead_letter_path_declared", subject="dlq")
def test_dead_letter_path_declared(harness_session: Session) -> None:
    topology.dead_letter_path_declared(harness_session)


@pytest.mark.broker_only(
    "rabbitmq",
    "delivery_mode 2 means nothing to Redis, which keeps or loses every message by its own "
    "RDB/AOF settings")
@pytest.mark.check("topology.messages_are_persistent", subject="all tasks")
def test_messages_are_persistent(harness_session: Session, record_property: Callable[[str, object], None]) -> None:
    note = topology.messages_are_persistent(harness_session)  # names the event messages it did not judge
    if note:
        record_property("harness_note", note)


@pytest.mark.broker_only(
    "rabbitmq",
    "x-message-ttl is a RabbitMQ queue argument; kombu's Redis transport keeps a message until it is consumed")
def test_ttl_does_not_drop_work(harness_session: Session, contract_queue: str,
                                record_property: Callable[[str, object], None]) -> None:
    note = ttl.ttl_does_not_drop_work(harness_session, contract_queue)  # what became of a task that outwaited it
    if note:
        record_property("harness_note", note)


@pytest.mark.check("topology.no_queue_without_consumers", subject="vhost")
def test_no_queue_without_consumers(harness_session: Session) -> None:
    topology.no_queue_without_consumers(harness_session)


CLUSTER_ONLY = ("replication is a RabbitMQ cluster's (quorum queues); kombu's Redis transport keeps each queue as "
                "lists on one Redis server")


@pytest.mark.broker_only("rabbitmq", CLUSTER_ONLY)
@pytest.mark.check("replication.queue_is_replicated")
def test_queue_is_replicated(harness_session: Session, contract_queue: str,
                             record_property: Callable[[str, object], None]) -> None:
    record_property("harness_note", replication.queue_is_replicated(harness_session, contract_queue))


@pytest.mark.broker_only("rabbitmq", CLUSTER_ONLY)
@pytest.mark.check("replication.quorum_accepts_settings")
def test_quorum_accepts_settings(harness_session: Session, contract_queue: str) -> None:
    replication.quorum_accepts_settings(harness_session, contract_queue)


@pytest.mark.broker_only("rabbitmq", CLUSTER_ONLY)
@pytest.mark.check("replication.worker_qos_fits_quorum", subject="worker")
def test_worker_qos_fits_quorum(harness_session: Session, record_property: Callable[[str, object], None]) -> None:
    record_property("harness_note", replication.worker_qos_fits_quorum(harness_session))
