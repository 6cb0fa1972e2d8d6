"""What this broker refuses a quorum queue, asked for real: a scratch quorum queue declared in the run's vhost
with one setting at a time, the broker's reply kept word for word, the queue deleted afterwards."""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pika
import pika.exceptions
from pika.adapters.blocking_connection import BlockingChannel

from harness.endpoints import Broker

SCRATCH_PREFIX = "harness.scratch.quorum."
QUORUM = {"x-queue-type": "quorum"}
GLOBAL_QOS = "global QoS"  # basic.qos with global=true on the consuming channel (Celery's default on RabbitMQ)
NOT_DURABLE = "durable=False"


def scratch_name() -> str:
    return SCRATCH_PREFIX + secrets.token_hex(4)


@contextmanager
def _connection(broker: Broker) -> Iterator[pika.BlockingConnection]:
    parameters = pika.URLParameters(broker.amqp_url)
    parameters.connection_attempts, parameters.socket_timeout = 2, 10
    connection = pika.BlockingConnection(parameters)
    try:
        yield connection
    finally:
        if connection.is_open:
            connection.close()


def refusal(broker: Broker, arguments: Mapping[str, Any], durable: bool = True) -> str | None:
    """The broker's reply when a quorum queue is declared with ``arguments`` (``None``: it accepted them)."""
    name = scratch_name()
    with _connection(broker) as connection:
        channel = connection.channel()
        try:
            channel.queue_declare(name, durable=durable, arguments={**arguments, **QUORUM})
        except pika.exceptions.ChannelClosedByBroker as closed:
            return f"{closed.reply_code} {closed.reply_text}"
        _delete(connection, name)
    return None


def global_qos_refusal(broker: Broker) -> str | None:
    """The broker's reply when a channel with global QoS consumes from a quorum queue (``None``: accepted). RabbitMQ
    answers with a connection error (540 NOT_IMPLEMENTED), so the consumer has a connection of its own."""
    name = scratch_name()
    with _connection(broker) as connection:
        connection.channel().queue_declare(name, durable=True, arguments=dict(QUORUM))
        try:
            with _connection(broker) as consumer_connection:
                consumer = consumer_connection.channel()
                consumer.basic_qos(prefetch_count=1, global_qos=True)
                consumer.basic_consume(name, lambda *_: None)
            reply = None
        except (pika.exceptions.ChannelClosedByBroker, pika.exceptions.ConnectionClosedByBroker) as closed:
            reply = f"{closed.reply_code} {closed.reply_text}"
        _delete(connection, name)
    return reply


def _delete(connection: pika.BlockingConnection, name: str) -> None:
    channel: BlockingChannel = connection.channel()
    channel.queue_delete(name)
    channel.close()


def refusals(broker: Broker, settings: Mapping[str, Mapping[str, Any]]) -> dict[str, str | None]:
    """Each named setting (its queue arguments; :data:`NOT_DURABLE` and :data:`GLOBAL_QOS` by name) tried alone."""
    found: dict[str, str | None] = {}
    for setting, arguments in settings.items():
        if setting == GLOBAL_QOS:
            found[setting] = global_qos_refusal(broker)
        else:
            found[setting] = refusal(broker, arguments, durable=setting != NOT_DURABLE)
    return found
