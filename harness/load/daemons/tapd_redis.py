"""The load generator's tap and floor publisher on a Redis broker (see ``tapd`` for the protocol).

The tap is a :class:`~harness.probes.redis_tap.RedisTap` that keeps nothing and hands each message on;
the floor publishes the webhook task's Celery message straight to the exchange through kombu's Redis
transport, the same code path (binding lookup, then a push per matching queue) the target's own
``.delay()`` takes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import kombu

from harness.endpoints import RedisServer
from harness.load.daemons.tapd import FloorPublisher, celery_body, celery_headers
from harness.load.generator.bodies import trigger_of
from harness.probes.redis_tap import RedisTap, observation_of


class RedisStreamTap(RedisTap):
    """A RedisTap that keeps nothing: each message goes to ``on_message(stands_for, body, t_ns)``."""

    def __init__(self, server: RedisServer, on_message: Callable[[str, bytes, int], None]) -> None:
        super().__init__(server)
        self.on_message = on_message

    def _deliver(self, stands_for: str, raw: bytes, t_ns: int) -> None:
        try:
            body = observation_of(stands_for, raw, t_ns).plain  # JSON text, decompressed if need be
        except (ValueError, TypeError, AttributeError):
            return
        self.on_message(stands_for, body, t_ns)


class RedisFloorPublisher(FloorPublisher):
    """The floor on Redis: kombu publishes to the exchange; the tap times the copy."""

    def start(self) -> RedisFloorPublisher:
        if self._config.floor_rate > 0:
            self._thread.start()
        return self

    def _run(self) -> None:
        lib: Any = kombu  # untyped
        exchange = lib.Exchange(self._config.exchange, type="topic")
        with lib.Connection(self._config.amqp_url) as connection:
            producer = connection.Producer()
            exchange(producer.channel).declare()  # only kombu's in-process record of the exchange's type
            self._paced(producer)

    def _publish(self, producer: Any, seq: int) -> None:
        payload = {**self._payload, "triggerUuid": trigger_of(self._config.floor_prefix, seq)}
        headers, task_id = celery_headers(self._config)
        self.published[seq] = time.monotonic_ns()
        producer.publish(celery_body(payload), exchange=self._config.exchange,
                         routing_key=self._config.floor_routing_key,
                         content_type="application/json", content_encoding="utf-8", headers=headers,
                         priority=self._config.floor_priority, delivery_mode=2, correlation_id=task_id,
                         retry=False)
