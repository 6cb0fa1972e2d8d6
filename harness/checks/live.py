"""Helpers shared by live checks: publish through the target with a probe marker, then wait for what
the worker probes and the result backend record."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from harness.checks.reproduce import delay_line
from harness.findings import Finding, Severity, TaskNotRouted
from harness.probes.executions import Execution
from harness.probes.results import TaskRow
from harness.session import Session
from payloads.factory import make_document_event

T = TypeVar("T")
FINAL = ("SUCCESS", "FAILURE", "REVOKED")


def marked_payload(marker: dict[str, Any] | None = None) -> dict[str, Any]:
    """A realistic document-flavour payload carrying a probe marker (fail, hang, kill)."""
    return make_document_event(status_change=False, marker=marker)


def publish(session: Session, check: str, task: str, marker: dict[str, Any] | None = None,
            **options: Any) -> str:
    """Publish ``task`` through the target's own app; returns the task id."""
    reply = session.target.publish(task, marked_payload(marker), **options)
    if "error" in reply:
        raise TaskNotRouted(Finding(check, task, Severity.HIGH, f"publishing {task} through the target failed",
                                    expected="apply_async succeeds", observed=str(reply["error"]),
                                    reproduce=delay_line(session.spec.celery_app, task)))
    return str(reply["id"])


def poll(probe: Callable[[], T], done: Callable[[T], bool], timeout_s: float, interval_s: float = 0.05) -> T:
    """Call ``probe`` until ``done`` holds or time runs out; returns the last value."""
    deadline = time.monotonic() + timeout_s
    value = probe()
    while not done(value) and time.monotonic() < deadline:
        time.sleep(interval_s)
        value = probe()
    return value


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
