"""The tap on a Redis broker: a copy of every message the target publishes, as on RabbitMQ.

kombu's Redis transport emulates exchanges: each exchange's bindings live in a Redis set
(``_kombu.binding.<exchange>``, members ``routing key, pattern, queue`` joined by kombu's separator),
and the *publisher's* kombu matches the routing key against each stored pattern and pushes the message
onto every matching queue's list. The tap adds, for every target binding, a member with the same key
and pattern naming a tap list of its own. So the target's own kombu routes a copy to the tap exactly
where it routes the original, with its own version's topic rules. Priorities become separate lists
(``queue``, ``queue<sep>3``, ...), so the tap pops every step of its lists.

Redis has no alternate exchange: kombu drops a message that matches no binding (with a warning in the
publisher's process). The tap then sees no copy at all, which is how a check tells it reached no queue.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from collections.abc import Iterable
from typing import Any

import redis

from harness.endpoints import RedisServer
from harness.probes.tap import PREFIX, Binding, Observation, ObservationLog

SEP = "\x06\x16"  # kombu's Redis separator, in binding members and priority list names
BINDING_PREFIX = "_kombu.binding."
CONTROL_EXCHANGES = ("celery.pidbox", "reply.celery.pidbox", "celeryev")  # fan-out over pub/sub, not lists
PRIORITY_STEPS = tuple(range(10))  # every step kombu may use (its default is 0, 3, 6, 9)


def redis_bindings(client: redis.Redis) -> list[tuple[str, str, str, str]]:
    """Every target binding on the server: (exchange, routing key, pattern, queue)."""
    found = []
    for key in client.scan_iter(match=BINDING_PREFIX + "*", count=500):
        exchange = _text(key)[len(BINDING_PREFIX):]
        if exchange in CONTROL_EXCHANGES:
            continue
        for member in client.smembers(key):
            parts = _text(member).split(SEP)
            if len(parts) == 3 and not parts[2].startswith(PREFIX):
                found.append((exchange, parts[0], parts[1], parts[2]))
    return found


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def decode_message(raw: bytes) -> tuple[dict[str, Any], bytes]:
    """(kombu envelope, Celery body bytes) of one message popped from a Redis list."""
    envelope = json.loads(raw)
    body = envelope.get("body", "")
    props = envelope.get("properties") or {}
    data = base64.b64decode(body) if props.get("body_encoding") == "base64" else str(body).encode()
    return envelope, data


def observation_of(stands_for: str, raw: bytes, t_ns: int) -> Observation:
    """One popped message as the tap records it (its body still serialized and maybe compressed)."""
    envelope, body = decode_message(raw)
    headers, props = envelope.get("headers") or {}, envelope.get("properties") or {}
    info = props.get("delivery_info") or {}
    return Observation(stands_for, str(info.get("exchange", "")), str(info.get("routing_key", "")),
                       headers.get("task"), headers.get("id") or props.get("correlation_id"),
                       props.get("priority"), props.get("delivery_mode") == 2, t_ns, body,
                       envelope.get("content-type"), envelope.get("content-encoding"), headers.get("compression"))


class RedisTap(ObservationLog):
    """Mirrors every binding table entry into tap lists and pops them in a background thread."""

    def __init__(self, server: RedisServer, instance: str | None = None) -> None:
        super().__init__()
        self._server = server
        self.instance = instance or secrets.token_hex(4)
        self._client = server.client()
        self._members: dict[str, tuple[str, str]] = {}  # our binding member -> (table key, tap list)
        self._lists: dict[str, str] = {}  # tap list key (every priority step) -> the queue it stands for
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="harness-redis-tap", daemon=True)
        self.reconnects = 0

    def start(self, _bindings: Iterable[Binding] = (), timeout_s: float = 10) -> RedisTap:
        self.mirror()
        self._thread.start()
        return self

    def mirror(self, _bindings: Iterable[Binding] = (), timeout_s: float = 5) -> None:
        """Mirror every binding the target has declared so far (the tables are read afresh)."""
        for exchange, key, pattern, queue in redis_bindings(self._client):
            tap_list = f"{PREFIX}.{self.instance}.{exchange}.{queue}.{key}"
            member = SEP.join([key, pattern, tap_list])
            if member in self._members:
                continue
            self._client.sadd(BINDING_PREFIX + exchange, member)
            with self._lock:
                self._members[member] = (BINDING_PREFIX + exchange, tap_list)
                for step in PRIORITY_STEPS:
                    self._lists[tap_list + (f"{SEP}{step}" if step else "")] = queue

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        self._remove_mirrors()
        self._client.close()

    def _remove_mirrors(self) -> None:
        """Take the tap's members out of the target's tables and drop its lists."""
        try:
            with self._client.pipeline() as pipe:
                for member, (table, _) in self._members.items():
                    pipe.srem(table, member)
                for key in self._lists:
                    pipe.delete(key)
                pipe.execute()
        except (redis.RedisError, OSError):
            pass  # the server is gone: its keys went with it

    def _run(self) -> None:
        client = self._server.client()
        while not self._stop.is_set():
            with self._lock:
                keys = list(self._lists)
            if not keys:
                self._stop.wait(0.05)
                continue
            try:
                popped = client.brpop(keys, timeout=0.1)
            except (redis.RedisError, OSError):  # a restarted server: try again shortly
                self.reconnects += 1
                self._stop.wait(0.5)
                continue
            if popped is not None:
                key, raw = popped
                self._deliver(self._lists.get(_text(key), ""), raw if isinstance(raw, bytes) else raw.encode(),
                              time.monotonic_ns())
        client.close()

    def _deliver(self, stands_for: str, raw: bytes, t_ns: int) -> None:
        try:
            observation = observation_of(stands_for, raw, t_ns)
        except (ValueError, TypeError, AttributeError):
            return  # not a kombu message: nothing the target published through its app
        self.record(observation)


def list_depths(server: RedisServer, queues: Iterable[str]) -> dict[str, int]:
    """Messages waiting in each queue on Redis (its lists of every priority step, summed)."""
    names = list(queues)
    with server.client() as client, client.pipeline() as pipe:
        for name in names:
            for step in PRIORITY_STEPS:
                pipe.llen(name + (f"{SEP}{step}" if step else ""))
        lengths = pipe.execute()
    steps = len(PRIORITY_STEPS)
    return {name: sum(lengths[i * steps:(i + 1) * steps]) for i, name in enumerate(names)}
