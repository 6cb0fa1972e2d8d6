"""Results: every task that ran has its row in celery_taskmeta; enqueued ids without a row are lost."""

from __future__ import annotations

import time

from harness.checks.live import FINAL
from harness.checks.reproduce import harness_line
from harness.findings import Finding, ResultMissing, Severity
from harness.session import Session
from harness.waiting import poll

EXECUTED = "results.every_execution_has_a_row"
ENQUEUED = "results.no_enqueued_task_is_lost"


def _missing(session: Session, ids: list[str], settle_s: float) -> list[str]:
    def without_row() -> list[str]:
        rows = session.results.rows(ids)
        return [i for i in ids if i not in rows or rows[i].status not in FINAL]

    return poll(without_row, lambda missing: not missing, settle_s, interval_s=0.25)


def every_execution_has_a_row(session: Session, settle_s: float = 5.0) -> None:
    cutoff = time.time() - 1.0  # runs still in progress are judged by the next check, not this one
    done = sorted({x.id for x in session.target.executions.executions() if x.t < cutoff})
    missing = _missing(session, done, settle_s)
    if missing:
        raise ResultMissing(Finding(
            EXECUTED, "celery_taskmeta", Severity.HIGH, f"{len(missing)} of {len(done)} executed tasks have no result",
            "a SUCCESS or FAILURE row for every task that ran", f"no final row for {missing[:5]}",
            harness_line(session.spec.name, EXECUTED) + "; SELECT task_id, status FROM celery_taskmeta"))


def no_enqueued_task_is_lost(session: Session, settle_s: float = 5.0) -> None:
    parked = {o.task_id for o in session.tap.observations() if o.queue == session.config.contract.dlq_queue}
    published = {i: task for i, task in session.target.published if i not in parked}
    missing = _missing(session, sorted(published), settle_s)
    if missing:
        tasks = sorted({published[i] for i in missing})
        raise ResultMissing(Finding(
            ENQUEUED, ", ".join(tasks), Severity.HIGH, f"{len(missing)} enqueued tasks were lost",
            "every task the target accepted ends with a row or waits in the DLQ (PENDING only means 'no row yet')",
            f"no row, ever, for {len(missing)} of {len(published)} ids ({', '.join(tasks)}); e.g. {missing[:3]}",
            harness_line(session.spec.name, ENQUEUED)))
