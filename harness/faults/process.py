"""Faults on the target's own processes: worker children SIGKILLed mid-task, the webhook restarted.

Both use process signals on processes the harness started for this run (their pids come from the
run's probe log and from its mirakuru executors), so they work with every back-end.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from harness.faults.base import FaultContext, pause
from harness.session import Session
from harness.waiting import wait_for

MAX_KILLS = 50
POLL_S = 0.005


def parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rpartition(")")[2].split()[1])


def busy_pids(events: list[dict[str, Any]], worker_pid: int, recent_s: float) -> list[tuple[int, dict[str, Any]]]:
    """Processes of the worker running a task now (a probe 'task' record with no 'done' yet), newest first.
    Only the log's recent tail is read (records are appended in about time order)."""
    now = time.time()
    start = len(events)
    while start > 0 and now - float(events[start - 1].get("t", 0)) < recent_s + 1:
        start -= 1
    running: dict[tuple[Any, Any, Any], dict[str, Any]] = {}
    for e in events[start:]:
        key = (e.get("id"), e.get("retries"), e.get("pid"))
        if e.get("event") == "task":
            running[key] = e
        elif e.get("event") == "done":
            running.pop(key, None)
    found = [(int(e["pid"]), e) for e in running.values() if now - float(e["t"]) < recent_s]
    ours = [(pid, e) for pid, e in found if pid == worker_pid or parent_of(pid) == worker_pid]
    return sorted(ours, key=lambda item: -float(item[1]["t"]))


class WorkerKill:
    name = "worker_kill"
    title = "worker processes SIGKILLed mid-task"

    def unavailable(self, session: Session) -> str | None:
        worker = session.target.processes.get("worker")
        return None if worker is not None and worker.process is not None else "the harness runs no worker here"

    def inject(self, context: FaultContext) -> None:
        started, plan = time.time(), context.plan
        worker = context.session.target.processes["worker"]
        victims: list[str] = []
        killed: set[str] = set()  # a task killed once is spared: three kills of one task make it a poison message
        deadline = time.monotonic() + plan.outage_s
        try:
            while time.monotonic() < deadline and len(victims) < MAX_KILLS:
                until = min(deadline, time.monotonic() + 1)
                victim = self._kill_one(context, worker.process.pid, until, killed)
                victims += [victim] if victim else []
                pause(plan.kill_every_s)
        finally:
            revived = revive_worker(context)
        detail = f"SIGKILL to {len(victims)} busy worker processes: " + "; ".join(victims[:5])
        revived_note = "; the worker itself died and was started again" if revived else ""
        context.record(self.name, started, detail + revived_note)

    def _kill_one(self, context: FaultContext, worker_pid: int, until: float, killed: set[str]) -> str | None:
        log = context.session.target.executions
        while time.monotonic() < until:
            busy = [(pid, e) for pid, e in busy_pids(log.refresh(), worker_pid, recent_s=context.plan.hang_s + 5)
                    if str(e.get("id")) not in killed]
            if busy:
                pid, event = busy[0]
                os.kill(pid, signal.SIGKILL)
                killed.add(str(event.get("id")))
                return f"pid {pid} running {event.get('task', '?').rpartition('.')[2]} {event.get('id')}"
            time.sleep(POLL_S)
        return None


def revive_worker(context: FaultContext, timeout_s: float = 60) -> bool:
    """Start the worker again if a kill took its main process (a solo pool); ``True`` if it had to."""
    worker = context.session.target.processes["worker"]
    if worker.running():
        return False
    log = context.session.target.executions
    before = log.ready_count()
    worker.start()
    wait_for(lambda: log.ready_count() > before, timeout_s, 0.1)
    return True


def worker_groups(context: FaultContext) -> list[int]:
    """The process group of every worker the harness started (never the harness's own group)."""
    groups = []
    for name, executor in context.session.target.processes.items():
        pid = executor.process.pid if name.startswith("worker") and executor.process is not None else None
        group = os.getpgid(pid) if pid is not None else None
        if group is not None and group != os.getpgrp():
            groups.append(group)
    return groups


@contextmanager
def frozen_workers(context: FaultContext) -> Iterator[bool]:
    """Every worker's processes stopped (SIGSTOP to their process groups) meanwhile, so the queues keep what
    they hold; continued (SIGCONT) on exit. ``False`` when there is no worker of the harness's to freeze."""
    groups = worker_groups(context)
    for group in groups:
        os.killpg(group, signal.SIGSTOP)
    try:
        yield bool(groups)
    finally:
        for group in groups:
            os.killpg(group, signal.SIGCONT)


class WebhookRestart:
    name = "webhook_restart"
    title = "webhook process restarted"

    def unavailable(self, session: Session) -> str | None:
        if "webhook" in session.target.processes:
            return None
        return session.target.webhook_skip_reason or "the webhook is not run by the harness (--webhook-url)"

    def inject(self, context: FaultContext) -> None:
        started = time.time()
        webhook = context.session.target.processes["webhook"]
        old = webhook.process.pid if webhook.process else None
        try:
            webhook.stop()  # SIGTERM: uvicorn finishes the requests it has, then exits
        finally:
            webhook.start()  # same command, same port; returns once the port accepts connections
        new = webhook.process.pid if webhook.process else None
        context.record(self.name, started, f"SIGTERM to the webhook (pid {old}), started again (pid {new}) "
                                           "on the same port")
