"""Priority: a backlog is consumed highest priority first, the worker settings keep it so, and a
webhook is not starved by a backlog in another queue."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from itertools import combinations
from typing import Any

import httpx

from harness import tls
from harness.checks.ignored import skip_if_ignored
from harness.checks.live import executions, marked_payload, publish
from harness.checks.reproduce import harness_line
from harness.checks.webhook import signed_for
from harness.findings import CheckSkipped, Finding, PriorityIgnored, Severity
from harness.payloads.factory import trigger_uuid_of
from harness.probes.executions import Execution
from harness.session import Session
from harness.waiting import poll

ORDER = "priority.backlog_consumed_highest_first"
SETTINGS = "priority.worker_settings_keep_priority"
STARVED = "priority.webhook_not_starved_by_backlog"
BACKLOG_PRIORITIES = (1, 9, 3, 7, 2, 8, 4, 6, 5, 0)
HANG_S = 0.2


def _finding(session: Session, check: str, subject: str, title: str, expected: str, observed: str,
             severity: Severity = Severity.HIGH) -> Finding:
    return Finding(check, subject, severity, title, expected, observed, harness_line(session.spec.name, check))


def prefetch_multiplier(description: dict[str, Any]) -> int:
    """The largest prefetch multiplier among the target's workers (``--prefetch-multiplier``, else the app's)."""
    default = int(description.get("conf", {}).get("worker_prefetch_multiplier") or 4)
    layout = description.get("workers") or [description.get("worker_args", [])]
    return max(_multiplier_of(args, default) for args in layout)


def _multiplier_of(args: list[str], default: int) -> int:
    for arg in args:
        if arg.startswith("--prefetch-multiplier="):
            return int(arg.split("=", 1)[1])
    return default


def worker_settings_keep_priority(session: Session) -> None:
    description = session.target.description
    multiplier = prefetch_multiplier(description)
    if multiplier != 1:
        raise PriorityIgnored(_finding(
            session, SETTINGS, "worker", "the worker's settings defeat message priorities",
            "worker_prefetch_multiplier=1 (Celery's advice for priorities, with acks_late)",
            f"prefetch multiplier {multiplier}: each worker process reserves {multiplier} messages before the "
            "broker can put a higher priority one first"))


def backlog_consumed_highest_first(session: Session, task: str | None = None) -> None:
    """With the consumer paused, publish mixed priorities, resume, and compare start order."""
    contract = session.config.contract
    task = task or contract.retry.task
    queue = contract.task(task).queue
    with session.target.consumers_paused(queue):
        ids = {publish(session, ORDER, task, {"hang": HANG_S}, priority=p): p for p in BACKLOG_PRIORITIES}
        time.sleep(0.3)  # let every message settle in the queue before anyone consumes
    started = poll(lambda: [x for i in ids for x in executions(session, i)[:1]],
                   lambda found: len(found) == len(ids), 20.0)
    started_highest_first(session, queue, ids, started)


def started_highest_first(session: Session, queue: str, ids: Mapping[str, int], started: list[Execution]) -> None:
    """The judgement of :func:`backlog_consumed_highest_first`: ``ids`` maps each backlog task id to its priority,
    ``started`` holds each one's first execution (the probe log)."""
    ordered = sorted(started, key=lambda x: x.t)
    order = [ids[x.id] for x in ordered]
    # Processes working in parallel start within moments of each other; only a lower priority that
    # started clearly earlier (by more than half a task) than a higher one is an inversion.
    inversions = sum(1 for a, b in combinations(ordered, 2) if ids[a.id] < ids[b.id] and b.t - a.t > HANG_S / 2)
    if len(order) < len(ids) or inversions:
        raise PriorityIgnored(_finding(
            session, ORDER, queue, f"a backlog in {queue} is not consumed highest priority first",
            f"start order by descending priority: {sorted(BACKLOG_PRIORITIES, reverse=True)}",
            f"start order {order} ({inversions} inversions; {len(order)}/{len(ids)} ran)"))


def webhook_not_starved_by_backlog(session: Session) -> float:
    """A signed webhook sent behind a backlog of slow tests must start within the contract's bound."""
    contract, policy = session.config.contract, session.config.contract.priority
    backlog_task = contract.role_name("tests")
    if contract.role("tests") is None:
        raise CheckSkipped("the project has no task in the tests role to build a backlog of slow work with")
    backlog = [publish(session, STARVED, backlog_task, {"hang": policy.backlog_task_s})
               for _ in range(policy.backlog)]
    poll(lambda: executions(session, backlog[0]), bool, 10.0)
    payload, since = marked_payload(session), time.monotonic_ns()
    wait, accepted = _webhook_start_delay(session, payload, policy.webhook_max_wait_s + 10.0)
    log = session.target.executions
    poll(lambda: [log.completed(i) for i in backlog], all, 30.0, interval_s=0.2)
    if wait is None:
        skip_if_ignored(session, str(trigger_uuid_of(payload)), accepted, since)
    if wait is None or wait > policy.webhook_max_wait_s:
        shown = "never started" if wait is None else f"started after {wait:.2f}s"
        raise PriorityIgnored(_finding(
            session, STARVED, contract.retry.task, "webhooks wait behind a backlog of tests",
            f"the webhook task starts within {policy.webhook_max_wait_s:g}s although "
            f"{contract.task(backlog_task).queue} holds {policy.backlog} tasks of {policy.backlog_task_s:g}s",
            f"{shown}; a worker consuming several queues does not prefer one, and per-task priorities only "
            "order messages within one queue (give webhooks their own worker, or one queue with priorities)"))
    return wait


def _webhook_start_delay(session: Session, payload: dict[str, Any], timeout_s: float) -> tuple[float | None, bool]:
    """How long after sending ``payload`` its webhook task started (None: never), and whether it was accepted."""
    url = session.target.webhook_url
    trigger = str(trigger_uuid_of(payload))
    body = json.dumps(payload).encode()
    headers = signed_for(session, body) if url is not None else {}
    sent, accepted = time.time(), True
    if url is None:
        reply = session.target.publish(session.config.contract.retry.task, payload)
        trigger_id = str(reply.get("id"))
        found = poll(lambda: executions(session, trigger_id), bool, timeout_s)
    else:
        accepted = httpx.post(url, content=body, headers=headers, timeout=10, verify=tls.context()).is_success
        found = poll(lambda: [x for x in session.target.executions.executions() if x.trigger == trigger],
                     bool, timeout_s)
    return ((min(x.t for x in found) - sent) if found else None), accepted
