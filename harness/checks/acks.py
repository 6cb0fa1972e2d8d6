"""Acks: a worker killed mid-task loses nothing; duplicates are reported."""

from __future__ import annotations

import os
import signal

from harness.checks.live import executions, publish
from harness.checks.reproduce import harness_line
from harness.findings import Finding, Severity, WorkLost
from harness.session import Session
from harness.waiting import poll

SIGKILL_MID_TASK = "acks.sigkill_mid_task_loses_nothing"


def sigkill_mid_task_loses_nothing(session: Session, hang_s: float = 2.0) -> int:
    """SIGKILL the worker process running a task; it must run again and complete. Returns the runs."""
    task = session.config.contract.retry.task
    task_id = publish(session, SIGKILL_MID_TASK, task, {"hang": hang_s})
    first = poll(lambda: executions(session, task_id), bool, 15.0)
    if not first:
        raise WorkLost(_finding(session, task, "the task never started", "it starts", "no execution seen"))
    os.kill(first[0].pid, signal.SIGKILL)
    log = session.target.executions
    finished = poll(lambda: log.completed(task_id), bool, hang_s * 3 + 15.0)
    runs = executions(session, task_id)
    if not finished:
        observed = f"{len(runs)} run(s), none completed"
        raise WorkLost(_finding(
            session, task, "a task whose worker was killed was not run again", "the task runs again and succeeds",
            observed + "; with acks_late off the message was acked at start, so the broker forgot it"))
    return len(runs)


def _finding(session: Session, subject: str, title: str, expected: str, observed: str) -> Finding:
    return Finding(SIGKILL_MID_TASK, subject, Severity.CRITICAL, title, expected, observed,
                   harness_line(session.spec.name, SIGKILL_MID_TASK) + "; kill -9 the busy worker process")
