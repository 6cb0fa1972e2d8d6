"""What each broker does with a task message that outwaits a TTL, or that a worker rejects: measured live.

The harness declares queues of its own (never the target's) on a vhost of its own on RabbitMQ and in a
claimed logical database on Redis, publishes one task-shaped message into each, waits the TTL out and
looks where the message is: still in its queue (a worker taking it now runs it late), in the queue of
the dead-letter exchange (dead-lettered), or nowhere (dropped). kombu declares and publishes on both
brokers, as it does for Celery, so an argument kombu's Redis transport ignores is ignored here too: its
module says "Supports Message TTL: No"; it honours only ``x-expires``, which expires a whole idle queue.

Celery's own ``expires`` (the worker revokes a task received after it) is the worker's, the same on both
brokers, and not probed here.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import kombu

from harness.redact import mask_url_passwords
from harness.services.base import Services
from harness.services.isolation import RUN_PREFIX, management_of
from harness.services.redis import provide_redis
from harness.waiting import poll

KOMBU: Any = kombu  # untyped
TTL_MS = 1000
MARGIN_S = 1.0
KEPT, DEAD_LETTERED, DROPPED = "kept", "dead-lettered", "dropped"
EXCHANGE = KOMBU.Exchange("harness.probe", type="direct", durable=False)
DLX = KOMBU.Exchange("harness.probe.dlx", type="fanout", durable=False)
DEAD = KOMBU.Queue("harness.probe.dead", DLX, routing_key="", durable=False)


@dataclass(frozen=True)
class Case:
    name: str  # what was set, as a user would set it
    arguments: dict[str, Any] = field(default_factory=dict)
    expiration_s: float | None = None
    reject: bool = False  # taken and rejected (requeue=False) instead of left to expire


CASES = (
    Case("x-message-ttl", {"x-message-ttl": TTL_MS}),
    Case("x-message-ttl + x-dead-letter-exchange", {"x-message-ttl": TTL_MS, "x-dead-letter-exchange": DLX.name}),
    Case("per-message expiration", expiration_s=TTL_MS / 1000),
    Case("x-expires (idle queue)", {"x-expires": TTL_MS}),
    Case("rejected + x-dead-letter-exchange", {"x-dead-letter-exchange": DLX.name}, reject=True),
)


def fates(url: str) -> dict[str, str]:
    """{case: kept | dead-lettered | dropped} for one task message per case, on the broker at ``url``."""
    with KOMBU.Connection(url, connect_timeout=5, transport_options={"visibility_timeout": 3600}) as connection:
        channel = connection.channel()
        DEAD.bind(channel).declare()
        queues = {case.name: _queue(case, i).bind(channel) for i, case in enumerate(CASES)}
        producer = KOMBU.Producer(channel, EXCHANGE)
        for case in CASES:
            queues[case.name].declare()
            producer.publish({"case": case.name}, routing_key=queues[case.name].name, headers=_task_headers(case),
                             expiration=case.expiration_s, serializer="json")
        for case in CASES:
            if case.reject:
                _reject_one(queues[case.name])
        time.sleep(TTL_MS / 1000 + MARGIN_S)
        left = {case.name: _still_queued(connection, queues[case.name]) for case in CASES}
        dead = _dead_lettered(channel)
    return {name: KEPT if kept else DEAD_LETTERED if name in dead else DROPPED for name, kept in left.items()}


def _queue(case: Case, index: int) -> Any:
    name = f"harness.probe.{index}"
    return KOMBU.Queue(name, EXCHANGE, routing_key=name, durable=False, queue_arguments=case.arguments or None)


def _task_headers(case: Case) -> dict[str, Any]:
    """Celery's protocol-2 headers, so a worker would take it for a task (none consumes these queues)."""
    return {"lang": "py", "task": "harness.probe", "id": f"harness-probe-{case.name}", "retries": 0}


def _reject_one(queue: Any) -> None:
    message = poll(lambda: queue.get(no_ack=False), lambda got: got is not None, 5, interval_s=0)
    if message is not None:
        message.reject(requeue=False)


def _still_queued(connection: Any, queue: Any) -> bool:
    """Whether the message is still in its queue; a queue the broker deleted (``x-expires``) holds nothing."""
    channel = connection.channel()
    try:
        return bool(queue.bind(channel).get(no_ack=True) is not None)
    except connection.channel_errors:
        return False
    finally:
        _close_quietly(channel, connection)


def _close_quietly(channel: Any, connection: Any) -> None:
    try:
        channel.close()
    except (*connection.channel_errors, *connection.connection_errors):
        pass


def _dead_lettered(channel: Any) -> set[str]:
    """The cases whose message reached the dead-letter exchange's queue (waiting a little for the last)."""
    found: set[str] = set()
    dead, deadline = DEAD.bind(channel), time.monotonic() + MARGIN_S
    while time.monotonic() < deadline:
        message = dead.get(no_ack=True)
        if message is None:
            time.sleep(0.1)
            continue
        found.add(str(message.decode().get("case")))
    return found


@contextmanager
def probe_urls(servers: Services, backend: str, redis_url: str | None, run_id: str) -> Iterator[dict[str, str]]:
    """{broker: URL} for the probe: a vhost of its own on RabbitMQ, a claimed database (or server) for Redis."""
    vhost = f"{RUN_PREFIX}{run_id}"
    with management_of(servers) as api:
        api.create_vhost(vhost, servers.broker.user)
        try:
            with provide_redis(backend, redis_url, run_id) as redis:
                yield {"redis": redis.url, "rabbitmq": servers.broker.in_vhost(vhost).amqp_url}
        finally:
            api.delete_vhost(vhost)


def measure(servers: Services, backend: str, redis_url: str | None, run_id: str) -> dict[str, Any]:
    """The probe on both brokers; a probe that cannot start is reported in the section, never fatal."""
    try:
        with probe_urls(servers, backend, redis_url, run_id) as urls:
            return probe_brokers(urls)
    except Exception as exc:  # the gates' reports are worth writing without it
        why = mask_url_passwords(f"{type(exc).__name__}: {exc}")
        return {"ttl_ms": TTL_MS, "cases": [c.name for c in CASES], "fates": {}, "errors": {"both": why}}


def probe_brokers(urls: dict[str, str]) -> dict[str, Any]:
    """The comparison report's ``probe`` section: the cases, and each broker's fates (or why it has none)."""
    found: dict[str, Any] = {"ttl_ms": TTL_MS, "cases": [c.name for c in CASES], "fates": {}, "errors": {}}
    for broker, url in urls.items():
        try:
            found["fates"][broker] = fates(url)
        except Exception as exc:  # a probe that cannot run is reported, not fatal
            found["errors"][broker] = mask_url_passwords(f"{type(exc).__name__}: {exc}")
    return found
