"""Where the consumer side runs while the load window is measured.

In production the workers and their database writes run on other machines than the webhook; on one
small box they take the cores the measured path needs, and the figure is of the box. ``paused`` (the
default) cancels every worker's consumers for the window (Celery's remote control), so the queues absorb
the work and drain after it, which the load ledger still checks to the last delivery; ``pinned`` keeps the
workers consuming but on their own core (CPU affinity of the worker processes and their pool children),
while the webhook, Locust and the tap run on the others (the broker and the database, when the harness
did not start them, stay where the machine runs them); ``shared`` leaves everything running on the same
cores, as a production box that hosts both would.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import psutil

from harness.errors import TargetError
from harness.launch.workers import consumed_queues
from harness.session import Session

TOPOLOGIES = {
    "paused": "consumers paused during the measured window (the backlog drains after it, checked by the ledger)",
    "pinned": "consumers running, pinned to their own core; the webhook, Locust and the tap on the others",
    "shared": "everything shared: the workers run on the same cores during the window",
}


@contextmanager
def measured_topology(session: Session, topology: str) -> Iterator[str]:
    """Arrange the consumer side for the window; yields what was measured, in words, for the report."""
    if topology == "pinned":
        with pinned_consumers(session) as described:
            yield described
        return
    if topology != "paused":
        yield TOPOLOGIES["shared"]
        return
    queues = consumed_queues(session.target.description, session.config.contract)
    with ExitStack() as stack:
        try:
            stack.enter_context(session.target.consumers_paused(*queues))
        except TargetError as exc:  # a worker that does not answer remote control: say so and measure as is
            yield f"{TOPOLOGIES['shared']} (pausing consumers failed: {exc})"
            return
        yield f"{TOPOLOGIES['paused']}: {', '.join(queues)}"


def tree_of(executor: Any) -> list[psutil.Process]:
    """A started process and its children (a Celery worker's pool, uvicorn's workers)."""
    process = getattr(executor, "process", None)
    if process is None:
        return []
    try:
        root = psutil.Process(process.pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def split_cores(cores: Iterable[int]) -> tuple[set[int], set[int]] | None:
    """(the measured path's cores, the consumer side's core): the last core for the consumers; None with one."""
    ordered = sorted(cores)
    return (set(ordered[:-1]), {ordered[-1]}) if len(ordered) >= 2 else None


def _set_affinity(processes: Iterable[psutil.Process], cores: set[int]) -> None:
    for process in processes:
        try:
            process.cpu_affinity(sorted(cores))
        except psutil.Error:  # a pool child that just exited
            continue


@contextmanager
def pinned_consumers(session: Session) -> Iterator[str]:
    """Workers on the last core, the harness (whose children Locust and the tap inherit it) and the webhook
    on the others, for the window; every affinity is given back after it."""
    everything = os.sched_getaffinity(0)
    split = split_cores(everything)
    if split is None:
        yield f"{TOPOLOGIES['shared']} (pinning needs two cores; this process may use one)"
        return
    measured, consumers = split
    started = session.target.processes
    workers = [p for name, ex in started.items() if name.startswith("worker") for p in tree_of(ex)]
    path = [psutil.Process(), *(p for name, ex in started.items() if not name.startswith("worker")
                                for p in tree_of(ex))]
    try:
        _set_affinity(workers, consumers)
        _set_affinity(path, measured)
        yield (f"{TOPOLOGIES['pinned']}: workers on core {', '.join(map(str, sorted(consumers)))}, the measured "
               f"path on {', '.join(map(str, sorted(measured)))} (the broker and the database are not pinned)")
    finally:
        _set_affinity([*workers, *path], set(everything))
