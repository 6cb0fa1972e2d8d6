"""Immediate queue figures over AMQP (a passive declare), where the management API's statistics lag."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pika
import pika.exceptions

from harness.endpoints import Broker


@dataclass(frozen=True)
class QueueCounts:
    messages: int
    consumers: int


def queue_counts(broker: Broker, names: Iterable[str]) -> dict[str, QueueCounts]:
    """Ready messages and consumers of each existing queue; a missing queue is left out."""
    found: dict[str, QueueCounts] = {}
    connection = pika.BlockingConnection(pika.URLParameters(broker.amqp_url))
    try:
        for name in names:
            channel = connection.channel()
            try:
                ok = channel.queue_declare(name, passive=True).method
                found[name] = QueueCounts(ok.message_count, ok.consumer_count)
                channel.close()
            except pika.exceptions.ChannelClosedByBroker:
                continue
    finally:
        connection.close()
    return found
