"""A fault scenario's findings, and its entry in report.json's ``reliability`` section.

Losing an accepted webhook fails the gate (critical): the finding names the fault, the number lost
and example ``triggerUuid``s. Not accepting webhooks again after a fault fails it too (high), and so does
work that ended in FAILURE with no dead letter (high: nobody will run it again or see it in the DLQ).
Unexpected messages are reported (medium), and work that ran to completion twice is noted (low):
at-least-once delivery repeats work by design, and the target must make that harmless; a task the contract
declares idempotent (``idempotent = true``) is counted in the account but not noted.
A scenario whose accepted webhooks all left no trace at all (``ignored``: the webhook does not read the
bodies, another dialect most likely) proves nothing about faults; it is skipped with that reason, the
finding being ``routing.webhook_enqueues_to_queue``'s.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from typing import Any

from harness.config import TaskRoute
from harness.faults.phase import FAULTS, ScenarioResult
from harness.findings import IGNORED, CheckFailed, Finding, Severity
from harness.ledger.account import EXAMPLES, Account, Verdict
from harness.session import Session

CHECK = "faults.no_loss_under_fault"


class AcceptedWorkLost(CheckFailed):
    """Under a fault, accepted webhooks' work was lost, or the target stopped accepting webhooks."""


NUMERIC = ("sent", "accepted", "rejected", "completed", "failed", "dead_lettered", "lost", "ignored", "duplicated",
           "completed_twice", "unexpected")


def reproduce(session: Session, scenario: str) -> str:
    return (f"harness run --target {shlex.quote(session.spec.name)} --services {session.services.backend} "
            f"--quick --faults {scenario}  # or: pytest --target {shlex.quote(session.spec.name)} --faults {scenario}")


def ignored_reason(session: Session, result: ScenarioResult) -> str | None:
    """Why the scenario proves nothing when every accepted webhook was ignored; None otherwise."""
    acc = result.account
    if acc is None or not acc.ignored:
        return None
    return (f"{IGNORED}: none of the {acc.ignored} accepted webhooks (dialect "
            f"{session.config.contract.webhook.dialect}) left a message, a task run or a dead letter, so no fault "
            "could lose anything (see routing.webhook_enqueues_to_queue)")


def fault_titles(result: ScenarioResult) -> str:
    return " then ".join(FAULTS[e["kind"]].title for e in result.events) or "no fault"


def lost_breakdown(result: ScenarioResult) -> str:
    lost = [v for v in result.verdicts if v.outcome == "lost"]
    queued = sum(v.reached_queue is not None for v in lost)
    unroutable = sum(v.unroutable for v in lost)
    started = sum(v.delivery.trigger in result.runs for v in lost)
    worker_lost = sum(v.worker_lost for v in lost)
    return (f"{queued} of them were routed by the broker (the tap got a copy), {unroutable} reached no queue "
            f"(unroutable), {len(lost) - queued - unroutable} were never seen on the broker; "
            f"{started} had started on a worker, {worker_lost} ended as FAILURE WorkerLostError "
            "without running again")


def exited_note(result: ScenarioResult) -> str:
    """The target's processes that ended during the scenario and were not started again (none: empty)."""
    if not result.exited:
        return ""
    ended = ", ".join(f"its {name} (exit code {code})" for name, code in sorted(result.exited.items()))
    return f"; the target's processes that exited and stayed down: {ended}"


def lost_finding(session: Session, result: ScenarioResult, acc: Account) -> Finding:
    examples = ", ".join(acc.examples.get("lost", []))
    details = "; ".join(e["detail"] for e in result.events)
    return Finding(
        CHECK, result.scenario.name, Severity.CRITICAL,
        f"{acc.lost} of {acc.accepted} accepted webhooks lost under {fault_titles(result)}",
        expected="every accepted webhook ends with a final row in celery_taskmeta or a message in the DLQ "
                 "(durable queues, persistent messages, publisher confirms before the 2xx, late acks)",
        observed=f"{acc.lost} accepted webhooks have neither {result.waited_s:.0f} s after the load, when "
                 f"nothing more was happening: "
                 f"{lost_breakdown(result)}{exited_note(result)}. Lost, for example (triggerUuid): {examples}. "
                 f"Faults: {details}",
        reproduce=reproduce(session, result.scenario.name))


def other_findings(session: Session, result: ScenarioResult, acc: Account) -> list[Finding]:
    found, name, again = [], result.scenario.name, reproduce(session, result.scenario.name)
    if acc.accepted == 0:
        found.append(Finding(CHECK, name, Severity.HIGH, f"the target accepted none of {acc.sent} webhooks",
                             "2xx answers before and after the fault", f"answers: {_answers(result)}", again))
    for entry in result.recovery:
        if entry["accepts_again_s"] is None and acc.accepted:
            found.append(Finding(CHECK, name, Severity.HIGH, f"webhooks still refused after {entry['kind']}",
                                 "the target accepts webhooks again once the fault is over",
                                 f"no webhook sent after the fault and before the load ended got a 2xx "
                                 f"(answers: {_answers(result)})", again))
    if acc.counts["failed"]:
        found.append(Finding(CHECK, name, Severity.HIGH,
                             f"{acc.counts['failed']} accepted webhooks ended in FAILURE without a dead letter",
                             "work the fault interrupted runs again, or its failure reaches the DLQ",
                             f"a FAILURE row in celery_taskmeta and no DLQ message, for example (triggerUuid): "
                             f"{', '.join(acc.examples.get('failed', []))}", again))
    if acc.unexpected:
        found.append(Finding(CHECK, name, Severity.MEDIUM, f"{acc.unexpected} task messages the harness never caused",
                             "only messages caused by the harness's webhooks during the phase",
                             f"task ids, for example: {', '.join(acc.examples.get('unexpected', []))}", again))
    if repeated := repeated_unsafely(session.config.contract.tasks, result.verdicts):
        examples = ", ".join(v.delivery.trigger for v in repeated[:EXAMPLES])
        tasks = ", ".join(sorted({t for v in repeated for t in v.repeated_tasks}))
        found.append(Finding(CHECK, name, Severity.LOW, f"{len(repeated)} webhooks' work ran to completion twice",
                             "each attempt of a task completes once, or the contract declares the task idempotent "
                             "(idempotent = true: repeating it is harmless)",
                             f"tasks {tasks}; for example (triggerUuid): {examples}", again))
    return found


def repeated_unsafely(tasks: Iterable[TaskRoute], verdicts: Iterable[Verdict]) -> list[Verdict]:
    """Deliveries whose work returned twice in a task the contract does not declare idempotent."""
    harmless = {t.name for t in tasks if t.idempotent}
    return [v for v in verdicts if set(v.repeated_tasks) - harmless]


def _answers(result: ScenarioResult) -> str:
    counts: dict[str, int] = {}
    for verdict in result.verdicts:
        for attempt in verdict.delivery.attempts:
            counts[attempt.describe()] = counts.get(attempt.describe(), 0) + 1
    return ", ".join(f"{n}× {answer}" for answer, n in sorted(counts.items(), key=lambda kv: -kv[1])) or "none"


def findings(session: Session, result: ScenarioResult) -> tuple[Finding, ...]:
    acc = result.account
    if acc is None:
        return ()
    lost = [lost_finding(session, result, acc)] if acc.lost else []
    return (*lost, *other_findings(session, result, acc))


def report_entry(result: ScenarioResult, records: str | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": result.scenario.name, "faults": list(result.scenario.faults),
                             "skipped": result.skipped, "not_injected": dict(result.not_injected),
                             "rate_rps": result.plan.rate_rps, "load_s": round(result.load_s, 1),
                             "waited_s": round(result.waited_s, 1)}
    if result.account is not None:
        entry.update(account=result.account.to_dict(), recovery=result.recovery, records=records)
    return entry


def add_to_reliability(reliability: dict[str, Any] | None, entry: dict[str, Any],
                       events: list[dict[str, Any]]) -> dict[str, Any]:
    """report.json's ``reliability``: every scenario, every fault event, and the ledger's totals."""
    merged = dict(reliability or {})
    merged["scenarios"] = [*(merged.get("scenarios") or []), entry]
    merged["faults"] = [*(merged.get("faults") or []), *events]
    accounts = [s["account"] for s in merged["scenarios"] if s.get("account")]
    merged["ledger"] = {key: sum(int(a.get(key, 0)) for a in accounts) for key in NUMERIC}
    return merged
