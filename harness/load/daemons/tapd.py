"""The load generator's tap and floor publisher, in a process of their own.

Locust monkey-patches the standard library for gevent, under which pika's blocking connection can
hang, and a consumer inside the load process would share its CPU. So each Locust process starts this
module (``python -m harness.load.daemons.tapd``), which is not patched:

- a :class:`~harness.probes.tap.Tap` whose mirror queues are bound like the target's bindings on the
  contract exchange, timestamping each message with ``time.monotonic_ns()`` on arrival (the clock is
  system-wide, so the Locust process can subtract its own send times);
- a floor publisher that publishes Celery messages for the webhook task straight to the exchange at a
  low rate and times them through the same tap.

Its threads (the tap's consumer, the floor publisher, the output batcher) share one interpreter lock. A
thread woken by its socket waits for the lock until the running one gives it up, by default after 5 ms
of work: the size of the SLO. The process asks for a switch every ``SWITCH_INTERVAL_S`` instead, so an
arrival is timestamped within a fraction of a millisecond of the socket saying so.

Protocol. The first stdin line is a JSON :class:`TapConfig`; end of stdin stops the process. Stdout
lines: ``r`` ready; ``o <seq hex> <t_ns>`` first arrival in a queue of one of this process's sends;
``u <seq hex>`` one caught as unroutable; ``f <µs>`` one floor sample; ``e <sent> <seen>`` floor totals
at exit; ``x <reason>`` could not start.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any
from urllib.parse import unquote, urlsplit

import pika

from harness.endpoints import Broker
from harness.load.generator.bodies import trigger_of, trigger_pattern
from harness.payloads.factory import make_document_event
from harness.probes.bodies import searchable
from harness.probes.management import Management
from harness.probes.tap import UNROUTABLE, Binding, Tap, target_bindings
from harness.redact import mask_url_passwords
from harness.waiting import wait_for


@dataclass(frozen=True)
class TapConfig:
    amqp_url: str
    exchange: str
    prefix: str
    floor_prefix: str
    floor_task: str
    floor_routing_key: str
    floor_priority: int = 0
    floor_rate: float = 20.0
    management_url: str | None = None
    fallback_bindings: list[list[str]] = field(default_factory=list)  # [exchange, routing key, queue]


def broker_of(amqp_url: str, management_url: str | None) -> Broker:
    parts = urlsplit(amqp_url)
    vhost = unquote(parts.path[1:]) if len(parts.path) > 1 else "/"
    return Broker(parts.hostname or "127.0.0.1", parts.port or 5672, unquote(parts.username or "guest"),
                  unquote(parts.password or "guest"), management_url or "", vhost)


def bindings_for(config: TapConfig, broker: Broker) -> list[Binding]:
    """The target's bindings on the contract exchange, else the contract's own routes."""
    found: list[Binding] = []
    if config.management_url:
        try:
            with Management(config.management_url, broker.user, broker.password, 5) as api:
                found = [b for b in target_bindings(api, broker.vhost) if b.exchange == config.exchange]
        except Exception:  # the management API is optional here: fall back to the contract
            found = []
    return found or [Binding(e, k, q) for e, k, q in config.fallback_bindings]


class StreamTap(Tap):
    """A Tap that keeps nothing: each message goes to ``on_message(stands_for, body, t_ns)``, its body as
    JSON text (decompressed and deserialized first when the target compresses or uses another serializer)."""

    def __init__(self, broker: Broker, on_message: Callable[[str, bytes, int], None]) -> None:
        super().__init__(broker)
        self.on_message = on_message

    def _on_message(self, stands_for: str) -> Callable[..., None]:
        def handle(_ch: Any, _method: Any, props: pika.BasicProperties, body: bytes) -> None:
            t_ns = time.monotonic_ns()
            compression = (props.headers or {}).get("compression")
            self.on_message(stands_for, searchable(body, props.content_type, props.content_encoding, compression),
                            t_ns)
        return handle


class Emitter:
    """Buffers output lines and writes them in batches from a thread (every 5 ms at most)."""

    def __init__(self, out: IO[bytes]) -> None:
        self._out, self._lines, self._lock = out, list[bytes](), threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tapd-emitter", daemon=True)
        self._thread.start()

    def emit(self, line: str) -> None:
        with self._lock:
            self._lines.append(line.encode() + b"\n")

    def flush(self) -> None:
        with self._lock:
            lines, self._lines = self._lines, []
        if lines:
            self._out.write(b"".join(lines))
            self._out.flush()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.flush()

    def _run(self) -> None:
        while not self._stop.wait(0.005):
            self.flush()


class FloorPublisher:
    """Publishes the webhook task's Celery message straight to the exchange at a constant low rate."""

    def __init__(self, config: TapConfig, emit: Callable[[str], None]) -> None:
        self._config, self._emit = config, emit
        self._payload = make_document_event(status_change=False, seed=7, trigger_uuid="")
        self.published: dict[int, int] = {}
        self.sent = self.seen = 0
        self._stop = threading.Event()
        self._connection: pika.BlockingConnection | None = None
        self._thread = threading.Thread(target=self._run, name="tapd-floor", daemon=True)

    def start(self) -> FloorPublisher:
        if self._config.floor_rate > 0:
            self._connection = pika.BlockingConnection(pika.URLParameters(self._config.amqp_url))
            self._thread.start()
        return self

    def observed(self, seq: int, t_ns: int) -> None:
        sent_ns = self.published.pop(seq, None)
        if sent_ns is not None:
            self.seen += 1
            self._emit(f"f {(t_ns - sent_ns) / 1000:.1f}")

    def stop(self, grace_s: float = 1.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        wait_for(lambda: not self.published, grace_s, 0.01)
        if self._connection is not None and self._connection.is_open:
            self._connection.close()

    def _run(self) -> None:
        assert self._connection is not None
        channel = self._connection.channel()
        channel.confirm_delivery()
        self._paced(channel)

    def _paced(self, channel: Any) -> None:
        """Publish through ``channel`` at the floor rate until stopped."""
        interval, next_at = 1.0 / self._config.floor_rate, time.monotonic()
        while not self._stop.wait(max(next_at - time.monotonic(), 0)):
            self._publish(channel, self.sent)
            self.sent += 1
            next_at += interval

    def _publish(self, channel: Any, seq: int) -> None:
        body, properties = celery_message(self._config, {**self._payload,
                                                         "triggerUuid": trigger_of(self._config.floor_prefix, seq)})
        self.published[seq] = time.monotonic_ns()
        channel.basic_publish(self._config.exchange, self._config.floor_routing_key, body, properties)


def celery_headers(config: TapConfig) -> tuple[dict[str, Any], str]:
    """The protocol-2 headers of a webhook-task message, and its new task id."""
    task_id = str(uuid.uuid4())
    headers = {"lang": "py", "task": config.floor_task, "id": task_id, "root_id": task_id, "parent_id": None,
               "group": None, "retries": 0, "eta": None, "expires": None, "timelimit": [None, None],
               "argsrepr": "(floor)", "kwargsrepr": "{}", "origin": "harness-floor", "ignore_result": True}
    return headers, task_id


def celery_body(payload: dict[str, Any]) -> bytes:
    return json.dumps([[payload], {}, {"callbacks": None, "errbacks": None, "chain": None, "chord": None}]).encode()


def celery_message(config: TapConfig, payload: dict[str, Any]) -> tuple[bytes, pika.BasicProperties]:
    """A Celery protocol-2 message for the webhook task, as the target's own publisher would send it."""
    headers, task_id = celery_headers(config)
    properties = pika.BasicProperties(content_type="application/json", content_encoding="utf-8",
                                      headers=headers, delivery_mode=2, priority=config.floor_priority,
                                      correlation_id=task_id)
    return celery_body(payload), properties


class Router:
    """Turns tap messages into output lines: own sends once each, floor samples, unroutables."""

    def __init__(self, config: TapConfig, emit: Callable[[str], None], floor: FloorPublisher) -> None:
        self._own, self._floor_re = trigger_pattern(config.prefix), trigger_pattern(config.floor_prefix)
        self._emit, self._floor, self._seen = emit, floor, set[int]()

    def __call__(self, stands_for: str, body: bytes, t_ns: int) -> None:
        match = self._own.search(body)
        if match is not None:
            self._own_message(stands_for, int(match[1], 16), t_ns)
        elif stands_for != UNROUTABLE and (floor := self._floor_re.search(body)) is not None:
            self._floor.observed(int(floor[1], 16), t_ns)

    def _own_message(self, stands_for: str, seq: int, t_ns: int) -> None:
        if stands_for == UNROUTABLE:
            self._emit(f"u {seq:x}")
        elif seq not in self._seen:
            self._seen.add(seq)
            self._emit(f"o {seq:x} {t_ns}")


def start_tap_and_floor(config: TapConfig, emit: Callable[[str], None]) -> tuple[Any, FloorPublisher]:
    """The tap (started) and the floor publisher (not yet) for the broker the URL names."""
    if config.amqp_url.startswith(("redis://", "rediss://")):
        from harness.endpoints import RedisServer
        from harness.load.daemons.tapd_redis import RedisFloorPublisher, RedisStreamTap

        floor: FloorPublisher = RedisFloorPublisher(config, emit)
        return RedisStreamTap(RedisServer(config.amqp_url), Router(config, emit, floor)).start(), floor
    broker = broker_of(config.amqp_url, config.management_url)
    floor = FloorPublisher(config, emit)
    tap = StreamTap(broker, Router(config, emit, floor))
    tap.start(bindings_for(config, broker))
    return tap, floor


def serve(config: TapConfig, stdin: IO[bytes], stdout: IO[bytes]) -> int:
    emitter = Emitter(stdout)
    try:
        tap, floor = start_tap_and_floor(config, emitter.emit)
        emitter.emit("r")  # before the floor starts: its samples must not come first
        floor.start()
    except Exception as exc:
        emitter.emit(f"x {mask_url_passwords(str(exc) or type(exc).__name__)}")
        emitter.close()
        return 2
    stdin.read()  # until the Locust process closes our stdin (or exits)
    floor.stop()
    tap.stop()
    emitter.emit(f"e {floor.sent} {floor.seen}")
    emitter.close()
    return 0


SWITCH_INTERVAL_S = 0.0002


def main() -> int:
    """Started ahead of time by the Locust process: wait for the configuration line, then serve."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    line = sys.stdin.buffer.readline()
    if not line.strip():
        return 0  # the load process ended before a run started
    return serve(TapConfig(**json.loads(line)), sys.stdin.buffer, sys.stdout.buffer)


if __name__ == "__main__":
    raise SystemExit(main())
