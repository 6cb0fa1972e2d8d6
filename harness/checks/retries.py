"""Retries: a failing task runs max_retries+1 times at the declared pace and ends in FAILURE."""

from __future__ import annotations

import time
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from harness.checks.live import marked_payload, publish_payload, wait_row
from harness.checks.reproduce import harness_line
from harness.findings import Finding, RetryPolicyMismatch, Severity
from harness.payloads.factory import trigger_uuid_of
from harness.probes.executions import Execution
from harness.probes.results import TaskRow
from harness.session import Session
from harness.waiting import poll

DECLARED = "retries.declared_policy_matches_contract"
RUNS = "retries.failing_task_runs_max_retries_plus_one"
PACE = "retries.retries_follow_declared_countdown"
FINAL = "retries.final_failure_keeps_original_exception"


@dataclass(frozen=True)
class FailedRun:
    """One task made to fail on every attempt, and everything observed about it."""

    task: str
    task_id: str
    trigger: str
    executions: list[Execution]
    row: TaskRow | None
    countdown_s: float
    published_at: float


def declared_policy_matches_contract(description: dict[str, Any], session: Session) -> None:
    policy = session.config.contract.retry
    info = description.get("tasks", {}).get(policy.task, {})
    declared = {"retries on": ", ".join(info.get("autoretry_for", [])) or "nothing",
                "max_retries": info.get("max_retries"), "countdown": info.get("countdown")}
    if not info.get("autoretry_for") or declared["max_retries"] != policy.max_retries or (
            float(declared["countdown"] or 0) != policy.countdown_s):
        raise RetryPolicyMismatch(Finding(
            DECLARED, policy.task, Severity.HIGH, f"{policy.task} does not declare the contract's retry policy",
            f"autoretry on failure, max_retries={policy.max_retries}, countdown={policy.countdown_s:g}s",
            ", ".join(f"{k}={v}" for k, v in declared.items()), harness_line(session.spec.name, DECLARED)))


def run_failing_task(session: Session) -> FailedRun:
    """Publish the retrying task with a marker that fails every attempt; wait for its final state."""
    policy, scale = session.config.contract.retry, session.config.run.time_scale
    payload = marked_payload(session, {"fail": True})
    started = time.monotonic()
    task_id = publish_payload(session, RUNS, policy.task, payload)
    countdown = policy.countdown_s * scale
    budget = (policy.max_retries + 1) * (countdown + 2.0) + 5.0
    row = wait_row(session, task_id, budget)
    settle = countdown + 1.0  # room for an extra run that should not happen
    runs = poll(lambda: session.target.executions.executions(task_id), lambda _: False, settle)
    return FailedRun(policy.task, task_id, str(trigger_uuid_of(payload)), runs, row, countdown, started)


def _reproduce(session: Session, task: str) -> str:
    return (f"{harness_line(session.spec.name, RUNS)}; publish {task} with payload "
            '{"event": {"__harness__": {"fail": true}}} and count the worker log lines')


def failing_task_runs_max_retries_plus_one(session: Session, run: FailedRun) -> None:
    expected = session.config.contract.retry.max_retries + 1
    if len(run.executions) != expected:
        raise RetryPolicyMismatch(Finding(
            RUNS, run.task, Severity.HIGH, f"a failing {run.task} ran {len(run.executions)} times",
            f"{expected} runs (max_retries={expected - 1}, plus the first)",
            f"{len(run.executions)} runs; retries seen: {[e.retries for e in run.executions]}",
            _reproduce(session, run.task)))


def retries_follow_declared_countdown(session: Session, run: FailedRun) -> None:
    times = [e.t for e in sorted(run.executions, key=lambda e: e.t)]
    gaps = [b - a for a, b in pairwise(times)]
    wrong = [g for g in gaps if not 0.8 * run.countdown_s <= g <= run.countdown_s + 2.0]
    if len(times) < 2 or wrong:
        raise RetryPolicyMismatch(Finding(
            PACE, run.task, Severity.MEDIUM, "retries do not follow the declared countdown",
            f"runs {run.countdown_s:.2f}s apart (declared countdown x time scale)",
            f"gaps between runs: {[round(g, 2) for g in gaps]} s", _reproduce(session, run.task)))


def final_exception(row: TaskRow) -> str:
    """The type of the exception a FAILURE row stores: its result's ``exc_type``, else the traceback's last
    line (a traceback also shows the exceptions chained before it, so it may name the original error
    even when another one replaced it, as MaxRetriesExceededError does when retry() is not given exc)."""
    if isinstance(row.result, dict) and row.result.get("exc_type"):
        return str(row.result["exc_type"])
    if isinstance(row.result, BaseException):
        return type(row.result).__name__
    last = (row.traceback or "").strip().splitlines()[-1:] or [""]
    return last[0].split(":", 1)[0].rsplit(".", 1)[-1].strip()


def final_failure_keeps_original_exception(session: Session, run: FailedRun) -> None:
    row = run.row
    traceback = (row.traceback or "") if row else ""
    if row is None or row.status != "FAILURE" or final_exception(row) != "ProbeFailure":
        observed = "no final result row" if row is None else (
            f"status {row.status}, exception {final_exception(row) or '(none)'}; last line: "
            f"{(traceback.strip().splitlines()[-1:] or ['(none)'])[0][:160]}")
        raise RetryPolicyMismatch(Finding(
            FINAL, run.task, Severity.MEDIUM, "the final state does not keep the original exception",
            "FAILURE carrying the task's own exception (not MaxRetriesExceededError)", observed,
            _reproduce(session, run.task)))
