"""The AMQP tap: a copy of every message the target publishes, timestamped on arrival.

For each binding in the run's vhost the tap declares a *mirror* queue bound to the same exchange with
the same key, so the broker itself routes a copy of each message to the mirror of every queue it
reaches. An alternate exchange, attached by policy to the target's exchanges, catches what reaches
no queue at all. Neither changes where the target's messages go.
"""

from __future__ import annotations

import queue
import secrets
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol

import pika
import pika.exceptions
from pika.adapters.blocking_connection import BlockingChannel

from harness.endpoints import Broker
from harness.probes.bodies import Decoded, decode_body, searchable
from harness.probes.management import Management
from harness.waiting import wait_for

PREFIX = "harness.tap"
UNROUTABLE = "<unroutable>"
CATCHER_EXCHANGE = "harness.unroutable"
CATCHER_POLICY = "harness-alternate-exchange"
CONNECTION_PREFIX = "harness-tap-"  # the tap's AMQP connection name (a fault closing connections spares it)


@dataclass(frozen=True)
class Binding:
    exchange: str
    routing_key: str
    queue: str
    stands_for: str = ""  # what a copy means: the queue, or UNROUTABLE for a target's alternate exchange

    @property
    def meaning(self) -> str:
        return self.stands_for or self.queue

    @property
    def mirror(self) -> str:
        """A stable key for this binding."""
        return f"{self.exchange}.{self.queue}.{self.routing_key}"

    @property
    def mirror_queue(self) -> str:
        """The mirror queue of this binding's queue (the tap's own queue name adds its instance id). One per
        exchange and queue, bound with each of its keys: a message matching two bindings of one queue is in that
        queue once (Celery's native delayed delivery adds ``#.<key>`` beside ``<key>``), and so in its mirror."""
        return f"{self.exchange}.{self.queue}"


@dataclass(frozen=True)
class Observation:
    queue: str
    exchange: str
    routing_key: str
    task: str | None
    task_id: str | None
    priority: int | None
    persistent: bool
    t_ns: int
    body: bytes = field(repr=False)
    content_type: str | None = None
    content_encoding: str | None = None
    compression: str | None = None  # the ``compression`` application header (``task_compression``)

    @property
    def decoded(self) -> Decoded:
        """The body as Celery's consumer reads it (decoded afresh: the tap keeps only the raw bytes)."""
        return decode_body(self.body, self.content_type, self.content_encoding, self.compression)

    @cached_property
    def _read(self) -> tuple[str | None, str]:
        decoded = self.decoded
        return trigger_in_args(decoded.args), decoded.reason

    @property
    def trigger(self) -> str | None:
        return self._read[0]

    @property
    def why_undecodable(self) -> str:
        """Why the body could not be decoded; empty when it could."""
        return self._read[1]

    @property
    def plain(self) -> bytes:
        """The body as JSON text, for byte searches (the raw body when it cannot be decoded)."""
        return searchable(self.body, self.content_type, self.content_encoding, self.compression)


def trigger_in_args(args: list[Any]) -> str | None:
    """The Monday triggerUuid in a task's positional arguments (the payload, or its ``event``), if any."""
    for arg in args:
        if isinstance(arg, dict):
            event = arg.get("event")
            found = arg.get("triggerUuid") or (event.get("triggerUuid") if isinstance(event, dict) else None)
            if found:
                return str(found)
    return None


def trigger_in_body(body: bytes, content_type: str | None = None, content_encoding: str | None = None,
                    compression: str | None = None) -> str | None:
    """The Monday triggerUuid inside a Celery task body (compressed or not, any kombu serializer), if any."""
    return trigger_in_args(decode_body(body, content_type, content_encoding, compression).args)


def install_catcher(api: Management, vhost: str) -> None:
    """Route unroutable messages of every target exchange to the tap (a policy, not the target)."""
    api.set_policy(vhost, CATCHER_POLICY, r"^(?!amq\.|harness\.).+",
                   {"alternate-exchange": CATCHER_EXCHANGE}, apply_to="exchanges")


def target_bindings(api: Management, vhost: str) -> list[Binding]:
    """Every exchange-to-queue binding the target declared in the run's vhost."""
    exchanges = api.exchanges(vhost)
    alternates = {(e.get("arguments") or {}).get("alternate-exchange") for e in exchanges}
    found = []
    for exchange in exchanges:
        name = exchange["name"]
        if not name or name.startswith(("amq.", "harness.")):
            continue
        meaning = UNROUTABLE if name in alternates else ""
        for b in api.bindings_from(vhost, name):
            if b.get("destination_type") == "queue" and not b["destination"].startswith(PREFIX):
                found.append(Binding(name, b["routing_key"], b["destination"], meaning))
    return found


def configured_bindings(api: Management, vhost: str, queues: Iterable[dict[str, Any]]) -> list[Binding]:
    """Bindings the target's configuration declares, on exchanges that exist already.

    A worker declares only the queues it consumes; the others (a DLQ, say) appear when the first
    message is published to them. Mirroring them up front lets the tap see that first message.
    """
    exchanges = {e["name"] for e in api.exchanges(vhost)}
    return [Binding(b["exchange"], b["routing_key"], q["name"]) for q in queues for b in q.get("bindings", [])
            if b["exchange"] in exchanges]


def all_bindings(api: Management, vhost: str, queues: Iterable[dict[str, Any]]) -> list[Binding]:
    """Declared and configured bindings, each once."""
    found = {b.mirror: b for b in [*target_bindings(api, vhost), *configured_bindings(api, vhost, queues)]}
    return list(found.values())


def _exchange_exists(connection: pika.BlockingConnection, name: str) -> bool:
    probe = connection.channel()
    try:
        probe.exchange_declare(name, passive=True)
    except pika.exceptions.ChannelClosedByBroker:
        return False
    probe.close()
    return True


class MessageTap(Protocol):
    """What checks use of a tap, whichever broker it copies from (``Tap`` here, ``RedisTap`` on Redis)."""

    listeners: list[Callable[[Observation], None]]
    reconnects: int

    def mirror(self, bindings: Iterable[Binding] = (), timeout_s: float = 5) -> None: ...

    def stop(self) -> None: ...

    def observations(self, task_id: str | None = None) -> list[Observation]: ...

    def wait_for(self, predicate: Callable[[], bool], timeout_s: float) -> bool: ...

    def undecodable(self, since_ns: int = 0) -> list[Observation]: ...


class ObservationLog:
    """What a tap has seen, by task id, and who listens for more (shared by the AMQP and Redis taps)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_id: dict[str, list[Observation]] = defaultdict(list)
        self._all: list[Observation] = []
        self.listeners: list[Callable[[Observation], None]] = []

    def observations(self, task_id: str | None = None) -> list[Observation]:
        with self._lock:
            return list(self._all if task_id is None else self._by_id.get(task_id, ()))

    def undecodable(self, since_ns: int = 0) -> list[Observation]:
        """Messages seen since ``since_ns`` (monotonic) whose body could not be decoded: a check that looks
        for a payload among them cannot tell it is absent (each says why: ``why_undecodable``)."""
        return [o for o in self.observations() if o.t_ns >= since_ns and o.why_undecodable]

    def wait_for(self, predicate: Callable[[], bool], timeout_s: float) -> bool:
        return wait_for(predicate, timeout_s, 0.02)

    def record(self, observation: Observation) -> None:
        with self._lock:
            self._all.append(observation)
            if observation.task_id:
                self._by_id[observation.task_id].append(observation)
        for listener in self.listeners:
            listener(observation)


class Tap(ObservationLog):
    """Consumes mirror queues and the catcher queue in a background thread."""

    def __init__(self, broker: Broker, instance: str | None = None) -> None:
        super().__init__()
        self._broker = broker
        self.instance = instance or secrets.token_hex(4)
        self._commands: queue.Queue[tuple[list[Binding], threading.Event]] = queue.Queue()
        self._mirrored: dict[str, Binding] = {}
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="harness-tap", daemon=True)
        self.reconnects = 0

    def start(self, bindings: Iterable[Binding], timeout_s: float = 10) -> Tap:
        self._commands.put((list(bindings), threading.Event()))
        self._thread.start()
        if not self._ready.wait(timeout_s) or self._error is not None:
            raise RuntimeError(f"tap did not start: {self._error}")
        return self

    def mirror(self, bindings: Iterable[Binding] = (), timeout_s: float = 5) -> None:
        """Mirror more bindings (queues the target declared after the tap started)."""
        new = [b for b in bindings if b.mirror not in self._mirrored]
        if new:
            applied = threading.Event()
            self._commands.put((new, applied))
            applied.wait(timeout_s)

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    # -- consumer thread ---------------------------------------------------------------------------
    def _run(self) -> None:
        try:
            connection, channel = self._connect()
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        while True:
            try:
                self._consume(connection, channel)
                return
            except (pika.exceptions.AMQPError, OSError):  # a broker restart, or its connections closed
                reconnected = self._reconnect()
            if reconnected is None:
                return
            connection, channel = reconnected
            self.reconnects += 1

    def _connect(self) -> tuple[pika.BlockingConnection, BlockingChannel]:
        """Connect, declare the catcher and every mirror (again, after a reconnection)."""
        params = pika.URLParameters(self._broker.amqp_url)
        params.client_properties = {"connection_name": f"{CONNECTION_PREFIX}{self.instance}"}
        connection = pika.BlockingConnection(params)
        channel = connection.channel()
        channel.exchange_declare(CATCHER_EXCHANGE, "fanout", durable=False, auto_delete=False)
        self._declare(channel, UNROUTABLE, CATCHER_EXCHANGE, "")
        exists = {name: _exchange_exists(connection, name) for name in {b.exchange for b in self._mirrored.values()}}
        for binding in list(self._mirrored.values()):
            if exists[binding.exchange]:  # a transient exchange is gone after a broker restart until redeclared
                self._declare(channel, binding.meaning, binding.exchange, binding.routing_key,
                              f"{PREFIX}.{self.instance}.{binding.mirror_queue}")
        self._apply_commands(channel)
        return connection, channel

    def _consume(self, connection: pika.BlockingConnection, channel: BlockingChannel) -> None:
        try:
            while not self._stop.is_set():
                self._apply_commands(channel)
                connection.process_data_events(time_limit=0.05)
        finally:
            if connection.is_open:
                connection.close()

    def _reconnect(self) -> tuple[pika.BlockingConnection, BlockingChannel] | None:
        """Connect again every half second until it works or the tap is stopped (then ``None``)."""
        while not self._stop.wait(0.5):
            try:
                return self._connect()
            except (pika.exceptions.AMQPError, OSError):
                continue
        return None

    def _apply_commands(self, channel: BlockingChannel) -> None:
        while not self._commands.empty():
            bindings, applied = self._commands.get_nowait()
            for binding in bindings:
                self._declare(channel, binding.meaning, binding.exchange, binding.routing_key,
                              f"{PREFIX}.{self.instance}.{binding.mirror_queue}")
                self._mirrored[binding.mirror] = binding
            applied.set()

    def _declare(self, channel: BlockingChannel, stands_for: str, exchange: str, key: str,
                 name: str | None = None) -> None:
        name = name or f"{PREFIX}.{self.instance}.{CATCHER_EXCHANGE}"
        channel.queue_declare(name, durable=False, auto_delete=True, arguments={"x-expires": 600_000})
        channel.queue_bind(name, exchange, routing_key=key)
        channel.basic_consume(name, self._on_message(stands_for), auto_ack=True)

    def _on_message(self, stands_for: str) -> Callable[..., None]:
        def handle(_ch: Any, method: Any, props: pika.BasicProperties, body: bytes) -> None:
            t_ns = time.monotonic_ns()
            headers = props.headers or {}
            observation = Observation(stands_for, method.exchange, method.routing_key, headers.get("task"),
                                      headers.get("id") or props.correlation_id, props.priority,
                                      props.delivery_mode == 2, t_ns, body, props.content_type,
                                      props.content_encoding, headers.get("compression"))
            self.record(observation)
        return handle
