"""Pausing a queue (``cancel_consumer`` then ``add_consumer``) leaves the target's workers as it found them:
each worker consumes the same queues afterwards, after a reconnection too, on the Celery 5.3 a target may pin."""

from __future__ import annotations

from contextlib import nullcontext
from types import SimpleNamespace
from typing import Any

from celery.app.amqp import Queues
from kombu import Exchange, Queue

from harness.launch import harness_bootstrap as bootstrap

EXCHANGE = Exchange("ai_agent", type="topic")


class Celery53Consumer:
    """The task-queue methods of Celery 5.3.6's worker consumer (5.4 and 5.5 alike), as they are: ``add_task_queue``
    of a queue the app declares consumes it without putting it back among the queues consumed from."""

    def __init__(self, queues: Queues) -> None:
        self.app = SimpleNamespace(amqp=SimpleNamespace(queues=queues))
        self.consuming: set[str] = set(queues.consume_from)

    def add_task_queue(self, queue: str, exchange: Any = None, exchange_type: Any = None,
                       routing_key: Any = None, **options: Any) -> None:
        queues = self.app.amqp.queues
        if queue not in queues:
            queues.select_add(queue, exchange=exchange, exchange_type=exchange_type, routing_key=routing_key)
        self.consuming.add(queue)

    def cancel_task_queue(self, queue: str) -> None:
        self.app.amqp.queues.deselect(queue)
        self.consuming.discard(queue)

    def reconnect(self) -> None:
        """What the Tasks bootstep consumes after a broker restart."""
        self.consuming = set(self.app.amqp.queues.consume_from)


def worker(*consumed: str) -> Celery53Consumer:
    declared = Queues([Queue(name, EXCHANGE, routing_key=f"{name}.#") for name in ("webhooks", "workflows", "tests")])
    declared.select(consumed)
    return Celery53Consumer(declared)


def test_celery_5_3_forgets_a_resumed_queue_at_the_next_reconnection() -> None:
    consumer = worker("webhooks", "workflows")
    consumer.cancel_task_queue("webhooks")
    consumer.add_task_queue("webhooks")
    consumer.reconnect()
    assert consumer.consuming == {"workflows"}  # the worker's log: Connected to amqp://..., then no webhook task


def test_a_resumed_queue_is_consumed_again_after_a_reconnection() -> None:
    class Patched(Celery53Consumer):
        pass

    bootstrap.keep_resumed_queues_on_reconnect(Patched)
    installed = Patched.add_task_queue
    bootstrap.keep_resumed_queues_on_reconnect(Patched)
    assert Patched.add_task_queue is installed  # installed once
    consumer = Patched(worker("webhooks", "workflows").app.amqp.queues)
    consumer.cancel_task_queue("webhooks")
    consumer.add_task_queue("webhooks")
    consumer.reconnect()
    assert consumer.consuming == {"webhooks", "workflows"}


class FakeControl:
    """Two workers: one consumes webhooks and workflows, the other tests (a project's two compose workers)."""

    def __init__(self) -> None:
        self.layout = {"celery@a": {"webhooks", "workflows"}, "celery@b": {"tests"}}
        self.calls: list[tuple[str, Any]] = []

    def inspect(self, timeout: float, limit: int) -> Any:
        answers = {w: [{"name": q} for q in sorted(qs)] for w, qs in self.layout.items()}
        return SimpleNamespace(active_queues=lambda: answers)

    def _act(self, command: str, queue: str, destination: list[str] | None, **_: Any) -> list[dict[str, Any]]:
        self.calls.append((command, destination))
        for name in destination or list(self.layout):
            (self.layout[name].discard if command == "cancel" else self.layout[name].add)(queue)
        return [{name: {"ok": command}} for name in destination or self.layout]

    def cancel_consumer(self, queue: str, destination: list[str] | None = None, **kw: Any) -> Any:
        return self._act("cancel", queue, destination, **kw)

    def add_consumer(self, queue: str, destination: list[str] | None = None, **kw: Any) -> Any:
        return self._act("add", queue, destination, **kw)


def test_a_pause_resumes_the_queue_only_on_the_workers_that_consumed_it() -> None:
    app = SimpleNamespace(control=FakeControl())
    before = {w: set(qs) for w, qs in app.control.layout.items()}
    assert bootstrap.control(app, {"control": "cancel_consumer", "args": ["webhooks"], "limit": 2})["settled"]
    assert app.control.layout["celery@a"] == {"workflows"}
    assert bootstrap.control(app, {"control": "add_consumer", "args": ["webhooks"], "limit": 2})["settled"]
    assert app.control.layout == before  # celery@b was not made to consume webhooks
    assert app.control.calls == [("cancel", ["celery@a"]), ("add", ["celery@a"])]


def test_a_queue_nobody_consumes_is_left_alone() -> None:
    app = SimpleNamespace(control=FakeControl())
    assert bootstrap.control(app, {"control": "cancel_consumer", "args": ["dlq"], "limit": 2})["settled"]
    assert bootstrap.control(app, {"control": "add_consumer", "args": ["dlq"], "limit": 2})["settled"]
    assert app.control.calls == []


class StaleOnce(FakeControl):
    """The first inspect after a broker restart goes out on the pool's dead connection."""

    def __init__(self) -> None:
        super().__init__()
        self.stale = True

    def inspect(self, timeout: float, limit: int) -> Any:
        if self.stale:
            self.stale = False
            raise ConnectionResetError(104, "Connection reset by peer")
        return super().inspect(timeout, limit)


def test_a_command_after_a_broker_restart_is_sent_again_once() -> None:
    connection = SimpleNamespace(connection_errors=(), recoverable_connection_errors=())
    app = SimpleNamespace(control=StaleOnce(), connection_for_write=lambda: nullcontext(connection))
    assert bootstrap.control(app, {"control": "cancel_consumer", "args": ["webhooks"], "limit": 2})["settled"]
    assert app.control.calls == [("cancel", ["celery@a"])]
