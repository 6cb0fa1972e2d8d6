"""Acks: the worker survives a countdown longer than the broker's ``consumer_timeout``.

A countdown (a retry's, say) is a delivery the worker holds unacknowledged until the task is due.
Past ``consumer_timeout`` RabbitMQ closes that channel with 406 PRECONDITION_FAILED and requeues the
message. The check shortens the timeout on a node the harness started (``rabbitmqctl eval``), starts a
second worker of the target that alone consumes the task's queue, and publishes a task due after it.
The worker must still be there afterwards, the held task must run, and a later task must be consumed.

Two facts of RabbitMQ 3.10's channel (``rabbit_channel``) shape it, both measured here:
- the timeout is read when a channel opens: only a worker started after the change gets it, so the
  run's own worker keeps the node's value, which the check restores once its own worker is ready;
- it is evaluated on the channel's tick (``channel_tick_interval``, 60 s), which is cancelled when the
  channel hibernates after about a second without traffic. A worker that only waits for a countdown is
  therefore never timed out (a 2 s timeout did not fire in 40 s). The check sets the tick to 500 ms,
  shorter than the hibernation delay, while it runs; the channel is then closed 2 s after the delivery.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from harness.checks.live import executions, publish
from harness.checks.reproduce import pytest_line
from harness.findings import CheckFailed, CheckSkipped, Finding, Severity
from harness.launch import processes
from harness.launch.start import worker_command
from harness.probes.amqp import queue_counts
from harness.services.readiness import tail
from harness.session import Session
from harness.waiting import poll

CONSUMER_TIMEOUT = "acks.worker_survives_consumer_timeout"
TIMEOUT_MS, TICK_MS, COUNTDOWN_S = 2000, 500, 5.0
LOG_NAME = "worker-consumer-timeout.log"


class WorkerLostOnConsumerTimeout(CheckFailed):
    """The broker closed a channel holding a delivery past consumer_timeout, and the worker did not recover."""


@runtime_checkable
class NodeShell(Protocol):
    """A broker node the harness runs itself, whose settings it can change while it runs."""

    def eval(self, expression: str) -> str:
        ...


@dataclass(frozen=True)
class Outcome:
    """What became of the countdown task, the worker and a task sent after the timeout."""

    held_done: bool
    redelivered: bool | None
    worker_code: int | None  # None while the worker runs
    later_done: bool
    consumers_after: int | None = None  # the queue's consumers on the broker once it was over (the lone worker's)


def node_of(session: Session) -> NodeShell:
    node = session.services.controls.broker
    if not isinstance(node, NodeShell):
        raise CheckSkipped("needs a RabbitMQ node the harness started itself (--services local) to shorten its "
                           f"consumer_timeout; this run's broker comes from the {session.services.backend} back-end")
    return node


def _swap(node: NodeShell, key: str, value: str) -> str:
    """Set the node's ``rabbit`` setting ``key`` (``undefined``: unset it); returns what it was, in one call."""
    change = (f"application:unset_env(rabbit, {key})" if value == "undefined"
              else f"application:set_env(rabbit, {key}, {int(value)})")
    found = re.search(r"\{ok,\s*(\d+)\}", node.eval(f"Old = application:get_env(rabbit, {key}), {change}, Old."))
    return found.group(1) if found else "undefined"


@contextmanager
def rabbit_setting(node: NodeShell, key: str, value: int) -> Iterator[None]:
    """The node's ``rabbit`` setting ``key`` at ``value`` inside the block, as it was afterwards."""
    previous = _swap(node, key, str(value))
    try:
        yield
    finally:
        _swap(node, key, previous)


def _without_queues(command: list[str]) -> list[str]:
    kept: list[str] = []
    for arg in command:
        if kept and kept[-1] in ("-Q", "--queues"):
            kept.pop()
        elif not arg.startswith(("-Q", "--queues")):
            kept.append(arg)
    return kept


@contextmanager
def lone_worker(session: Session, queue: str) -> Iterator[Any]:
    """A second worker of the target, the only consumer of ``queue``, opened under a short timeout."""
    target, config = session.target, session.config
    command = worker_command(session.spec, target.description, config.contract, config.run, session.run_id + "-ct")
    command = [*_without_queues(command), f"--queues={queue}", "--concurrency=1"]
    ready_before = target.executions.ready_count()
    log = target.workdir / LOG_NAME
    executor = processes.worker_executor(command, target.env, log,
                                         lambda: target.executions.ready_count() > ready_before)
    with target.consumers_paused(queue):
        try:
            with rabbit_setting(node_of(session), "consumer_timeout", TIMEOUT_MS):
                processes.start_process(executor, f"second worker of {session.spec.name}", log)
            yield executor
        finally:
            processes.stop_process(executor)


def _exit_code(executor: Any) -> int | None:
    process = getattr(executor, "process", None)
    return None if process is None else process.poll()


def observe(session: Session, task: str, executor: Any) -> Outcome:
    log = session.target.executions
    held = publish(session, CONSUMER_TIMEOUT, task, countdown=COUNTDOWN_S)
    poll(lambda: (log.completed(held), _exit_code(executor)), lambda s: s[0] or s[1] is not None, COUNTDOWN_S + 15)
    runs = executions(session, held)
    later_done = False
    if _exit_code(executor) is None:
        later = publish(session, CONSUMER_TIMEOUT, task)
        later_done = poll(lambda: log.completed(later), bool, 15.0)
    redelivered = runs[-1].redelivered if runs else None
    counts = queue_counts(session.services.broker, [session.config.contract.task(task).queue]).get(
        session.config.contract.task(task).queue)
    return Outcome(log.completed(held), redelivered, _exit_code(executor), later_done,
                   counts.consumers if counts else None)


def worker_survives_consumer_timeout(session: Session) -> float:
    """Returns the seconds the held task took from publish to done (about the countdown)."""
    node, task = node_of(session), session.config.contract.retry.task
    queue = session.config.contract.task(task).queue
    started = time.monotonic()
    with rabbit_setting(node, "channel_tick_interval", TICK_MS), lone_worker(session, queue) as executor:
        outcome = observe(session, task, executor)
    if outcome.worker_code is None and outcome.held_done and outcome.later_done:
        if not outcome.redelivered:  # the broker never closed the channel: the property was not exercised
            raise RuntimeError(f"consumer_timeout {TIMEOUT_MS} ms did not close the worker's channel "
                               f"within the {COUNTDOWN_S:g} s countdown; the check could not test the property")
        return time.monotonic() - started
    raise WorkerLostOnConsumerTimeout(_finding(session, task, outcome))


def _consumers(outcome: Outcome) -> str:
    return "an unknown number of consumers" if outcome.consumers_after is None else \
        f"{outcome.consumers_after} consumer(s)"


def _finding(session: Session, task: str, outcome: Outcome) -> Finding:
    if outcome.worker_code is not None:
        title = "the worker exits when the broker times out a delivery it holds"
        lines = [line for line in tail(session.target.workdir / LOG_NAME, 40).splitlines()
                 if "PRECONDITION_FAILED" in line or "Unrecoverable" in line]
        observed = (f"the worker process exited (code {outcome.worker_code}) and the broker listed "
                    f"{_consumers(outcome)} on the queue afterwards"
                    + (f"; its output: {lines[-1].strip()[:240]}" if lines else ""))
    else:
        title = "the worker stops doing work after the broker times out a delivery it holds"
        observed = (f"the worker still runs, but the held task {'ran' if outcome.held_done else 'never ran'}, a "
                    f"task sent afterwards {'was' if outcome.later_done else 'was not'} consumed, and the broker "
                    f"listed {_consumers(outcome)} on the queue")
    expected = (f"{task} published with countdown {COUNTDOWN_S:g} s, held past consumer_timeout {TIMEOUT_MS} ms: "
                "the worker reconnects, the requeued task runs when due and later tasks are consumed (Celery >= 5.3: "
                "broker_channel_error_retry = True)")
    reproduce = (f"harness run --target {session.spec.name} --services local  # or: "
                 f"{pytest_line(session.spec.name, 'worker_survives_consumer_timeout', ' --services local')}; "
                 f"by hand: rabbitmqctl eval "
                 f"'application:set_env(rabbit, consumer_timeout, {TIMEOUT_MS}).' and 'application:set_env(rabbit, "
                 f"channel_tick_interval, {TICK_MS}).', start a worker, apply_async(countdown={COUNTDOWN_S:g})")
    return Finding(CONSUMER_TIMEOUT, task, Severity.HIGH, title, expected, observed, reproduce)
