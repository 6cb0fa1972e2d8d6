"""Topology: contract queues on the broker, durable, bound, with priorities, a DLQ, persistent messages."""

import pytest

from harness.checks import topology
from harness.session import Session

pytestmark = [pytest.mark.quick, pytest.mark.rabbitmq_only(
    "durable queues, bindings, x-max-priority, persistent delivery and consumer counts are RabbitMQ objects read "
    "from its management API; kombu's Redis transport keeps each queue as plain lists, exactly as durable as the "
    "server's own RDB/AOF settings")]


def test_queue_is_durable(harness_session: Session, contract_queue: str) -> None:
    topology.queue_is_durable(harness_session, contract_queue)


def test_queue_bound_to_exchange(harness_session: Session, contract_queue: str) -> None:
    topology.queue_bound_to_exchange(harness_session, contract_queue)


def test_max_priority_covers_priorities(harness_session: Session, contract_queue: str) -> None:
    topology.max_priority_covers_priorities(harness_session, contract_queue)


@pytest.mark.check("topology.dead_letter_path_declared", subject="dlq")
def test_dead_letter_path_declared(harness_session: Session) -> None:
    topology.dead_letter_path_declared(harness_session)


@pytest.mark.check("topology.messages_are_persistent", subject="all tasks")
def test_messages_are_persistent(harness_session: Session) -> None:
    topology.messages_are_persistent(harness_session)


@pytest.mark.check("topology.no_queue_without_consumers", subject="vhost")
def test_no_queue_without_consumers(harness_session: Session) -> None:
    topology.no_queue_without_consumers(harness_session)
