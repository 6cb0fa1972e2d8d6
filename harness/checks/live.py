"""Helpers shared by live checks: publish through the target with a probe marker, then wait for what
the worker probes and the result backend record."""

from __future__ import annotations

from typing import Any

from harness.checks.reproduce import delay_line
from harness.findings import CheckSkipped, Finding, Severity, TaskNotRouted
from harness.payloads.dialects import make_event
from harness.probes.executions import Execution
from harness.probes.results import TaskRow
from harness.session import Session
from harness.waiting import poll

FINAL = ("SUCCESS", "FAILURE", "REVOKED")


def marked_payload(session: Session, marker: dict[str, Any] | None = None) -> dict[str, Any]:
    """A realistic payload in the contract's dialect carrying a probe marker (fail, hang, kill)."""
    return make_event(session.config.contract.webhook.dialect, status_change=False, marker=marker)


def publish(session: Session, check: str, task: str, marker: dict[str, Any] | None = None,
            **options: Any) -> str:
    """Publish ``task`` through the target's own app with a marked payload; returns the task id."""
    return publish_payload(session, check, task, marked_payload(session, marker), **options)


def publish_payload(session: Session, check: str, task: str, payload: Any, **options: Any) -> str:
    """Publish ``task`` with ``payload`` placed to fit its signature; returns the task id. A call the harness
    got wrong (the task's arguments do not fit) skips the check: it is the harness's limit, not a defect."""
    reply = session.target.publish(task, payload, **options)
    if "error" not in reply:
        return str(reply["id"])
    error = str(reply["error"])
    if error.startswith("TypeError") and "argument" in error:
        raise CheckSkipped(f"the harness could not call {task} with its payload ({error}); "
                           "map the task's role or its signature in the project's configuration")
    raise TaskNotRouted(Finding(check, task, Severity.HIGH, f"publishing {task} through the target failed",
                                expected="apply_async succeeds", observed=error,
                                reproduce=delay_line(session.spec.celery_app, task)))


def executions(session: Session, task_id: str) -> list[Execution]:
    return session.target.executions.executions(task_id)


def wait_executions(session: Session, task_id: str, count: int, timeout_s: float) -> list[Execution]:
    return poll(lambda: executions(session, task_id), lambda found: len(found) >= count, timeout_s)


def wait_row(session: Session, task_id: str, timeout_s: float) -> TaskRow | None:
    """The task's final result row, or None if none was stored in time."""
    def final_row() -> TaskRow | None:
        row = session.results.rows([task_id]).get(task_id)
        return row if row is not None and row.status in FINAL else None

    return poll(final_row, lambda row: row is not None, timeout_s, interval_s=0.2)


def undecodable_since(session: Session, since_ns: int) -> tuple[str, ...]:
    """Each message the tap could not decode since ``since_ns`` (monotonic): its queue and why."""
    return tuple(f"{o.queue}: {o.why_undecodable}" for o in session.tap.undecodable(since_ns))


def skip_if_undecodable(undecodable: tuple[str, ...], window: str) -> None:
    """A check that found no message carrying its payload cannot pass if some messages stayed unread."""
    if undecodable:
        reasons = "; ".join(sorted(set(undecodable))[:3])
        raise CheckSkipped(f"the tap could not decode {len(undecodable)} message(s) {window} ({reasons}), "
                           "so finding no message with the payload proves nothing")
