"""Dead letters: a task that failed for good leaves exactly one complete record in the contract DLQ,
and a message that crashes its worker is parked after a bounded number of deliveries."""

from __future__ import annotations

import time
from typing import Any

from harness.checks.live import FINAL, executions, publish, wait_row
from harness.checks.reproduce import harness_line
from harness.checks.retries import FailedRun
from harness.findings import CheckSkipped, DeadLetterMissing, Finding, PoisonMessageLoops, Severity
from harness.probes.amqp import queue_counts
from harness.probes.redis_tap import list_depths
from harness.probes.tap import Observation
from harness.session import Session
from harness.waiting import poll

AFTER_RETRIES = "dead_letters.dead_letters_after_max_retries"
OUTSIDE_BODY = "dead_letters.failure_handling_outside_task_body"
BOUNDED = "dead_letters.crash_loop_is_bounded"
RECORD_PARTS = ("the failed task's name", "its error", "its payload")  # what a person needs to replay it
KILLS_PAST_LIMIT = 2  # the probe stops killing this many deliveries past the limit: loops stay bounded


def dlq_records(session: Session, needle: str) -> list[Observation]:
    """Copies of messages that reached the contract DLQ and mention ``needle`` (a trigger or task id)."""
    dlq = session.config.contract.dlq_queue
    return [o for o in session.tap.observations() if o.queue == dlq and needle.encode() in o.plain]


def record_of(observation: Observation) -> dict[str, Any]:
    args = observation.decoded.args  # decompressed and deserialized as the worker would
    return dict(args[0]) if args and isinstance(args[0], dict) else {}


def missing_parts(text: str, task: str, trigger: str) -> list[str]:
    """Which of :data:`RECORD_PARTS` the dead letter's arguments (as JSON text) do not carry, whatever their
    shape: one record dict as the document writes it, or positional arguments of the project's own task."""
    found = (task.rpartition(".")[2] in text, "injected" in text, trigger in text)
    return [part for part, there in zip(RECORD_PARTS, found, strict=True) if not there]


def _finding(session: Session, subject: str, title: str, expected: str, observed: str) -> Finding:
    return Finding(AFTER_RETRIES, subject, Severity.HIGH, title, expected, observed,
                   harness_line(session.spec.name, AFTER_RETRIES)
                   + f"; rabbitmqctl list_queues -p {session.vhost} name messages")


def dead_letters_after_max_retries(session: Session, run: FailedRun) -> None:
    dlq = session.config.contract.dlq_queue
    one_letter_describes_the_failure(session, run)
    dlq_keeps_its_letters(session, dlq, *dlq_depth(session, dlq))


def one_letter_describes_the_failure(session: Session, run: FailedRun) -> None:
    """Exactly one dead letter (seen by the tap) for the failed run, naming its task, error and payload."""
    dlq = session.config.contract.dlq_queue
    records = dlq_records(session, run.trigger)
    expected = f"exactly one message in {dlq!r} carrying {', '.join(RECORD_PARTS)}"
    if len(records) != 1:
        where = _where_it_went(session, run)
        raise DeadLetterMissing(_finding(session, run.task, f"{len(records)} dead letters reached {dlq}",
                                         expected, f"{len(records)} messages in {dlq!r}{where}"))
    _check_record(session, run, records[0], expected)


def _where_it_went(session: Session, run: FailedRun) -> str:
    elsewhere = sorted({o.queue for o in session.tap.observations()
                        if run.trigger.encode() in o.plain and o.task and "dead_letter" in o.task})
    return f"; the dead-letter task went to {', '.join(elsewhere)}" if elsewhere else ""


def _check_record(session: Session, run: FailedRun, letter: Observation, expected: str) -> None:
    """The letter names the task, its error and its payload; a retry count, when it gives one, is right."""
    missing = missing_parts(letter.plain.decode(errors="replace"), run.task, run.trigger)
    retries = record_of(letter).get("retries")
    wanted = len(run.executions) - 1  # the retries the task really made
    if missing or (retries is not None and retries != wanted):
        raise DeadLetterMissing(_finding(
            session, run.task, "the dead letter does not describe the failure", expected,
            f"missing {', '.join(missing) or 'nothing'}; retries={retries!r} (the task made {wanted}); "
            f"the letter's arguments: {letter.plain[:160].decode(errors='replace')}"))


def dlq_depth(session: Session, dlq: str, settle_s: float = 1.0) -> tuple[int | None, int]:
    """The DLQ's consumers (None on Redis, which cannot tell who waits on a list) and messages, a moment after
    the run ended."""
    time.sleep(settle_s)
    if session.services.redis is not None:
        return None, list_depths(session.services.redis, [dlq])[dlq]
    counts = queue_counts(session.services.broker, [dlq]).get(dlq)
    return (counts.consumers, counts.messages) if counts else (0, 0)


def dlq_keeps_its_letters(session: Session, dlq: str, consumers: int | None, messages: int) -> None:
    """Nothing consumes the DLQ and the letter stays in it (on Redis, only that it stays)."""
    if consumers or not messages:
        who = "consumers unknown (Redis cannot tell)" if consumers is None else f"{consumers} consumer(s)"
        raise DeadLetterMissing(_finding(
            session, dlq, f"something consumes the dead-letter queue {dlq}",
            "dead letters stay in the DLQ for people to inspect",
            f"{who} and {messages} message(s) left in {dlq!r}: dead "
            "letters are taken away (and run) by accident"))


def failure_handling_outside_task_body(session: Session, run: FailedRun) -> None:
    """The retrying task's dead-lettering must not live inside its body. Judged by what happened: the probe
    replaced the whole body, so a dead letter for the injected failure proves the handling lives outside it
    (``on_failure``, a base class, a broker dead-letter path: whichever it is, it worked)."""
    if dlq_records(session, run.trigger):
        return
    task = session.config.contract.retry.task
    if session.target.description.get("tasks", {}).get(task, {}).get("has_on_failure"):
        raise CheckSkipped(f"{task} has an on_failure handler outside its body, but no dead letter arrived for the "
                           "injected failure, so where dead-lettering lives cannot be told (the missing dead letter "
                           f"is {AFTER_RETRIES}'s finding)")
    raise DeadLetterMissing(Finding(
        OUTSIDE_BODY, task, Severity.HIGH, "dead-lettering is written inside the task body",
        "a failure raised with the body replaced still reaches the DLQ (on_failure, a task base class, or a "
        "broker dead-letter path that failed tasks really take)",
        "the failure the harness injected (probes replace the whole body) left no dead letter, and the task has "
        "no on_failure handler: only an except branch in the body can send to the DLQ, so a crash, a time "
        "limit or a lost worker never reaches it either",
        harness_line(session.spec.name, OUTSIDE_BODY)))


def crash_loop_is_bounded(session: Session, window_s: float = 20.0) -> None:
    """A message that kills its worker on every delivery must be parked after ``max_deliveries``."""
    limit = session.config.contract.max_deliveries
    task = session.config.contract.retry.task
    cap = limit + KILLS_PAST_LIMIT
    task_id = publish(session, BOUNDED, task, {"kill": cap})
    stopped = poll(lambda: (len(executions(session, task_id)), session.results.rows([task_id]).get(task_id)),
                   lambda seen: seen[0] > limit or (seen[1] is not None and seen[1].status in FINAL),
                   window_s, interval_s=0.1)
    runs = len(executions(session, task_id))
    reproduce = harness_line(session.spec.name, BOUNDED)
    if runs > limit:
        wait_row(session, task_id, window_s)  # the probe stops crashing at the cap; let the task finish
        raise PoisonMessageLoops(Finding(
            BOUNDED, task, Severity.CRITICAL, f"a message that crashes its worker was delivered {runs} times",
            f"parked or dead-lettered after at most {limit} deliveries",
            f"{runs} deliveries (the harness stopped crashing it after {cap}; without that it would loop "
            "forever); acks_late with reject_on_worker_lost redelivers it forever and "
            "request.retries does not grow on redelivery, so no retries-based DLQ branch ever runs", reproduce))
    if not poll(lambda: dlq_records(session, task_id), bool, 3.0):
        raise PoisonMessageLoops(Finding(
            BOUNDED, task, Severity.HIGH, "a message that crashes its worker vanished without a trace",
            f"parked in {session.config.contract.dlq_queue!r} after at most {limit} deliveries",
            f"{runs} deliveries; result row: {stopped[1].status if stopped[1] else 'none'}; no dead letter",
            reproduce))
