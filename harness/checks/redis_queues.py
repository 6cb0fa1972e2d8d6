"""Queue checks on a Redis broker, where a queue is a list and nobody can be asked who consumes it.

RabbitMQ counts each queue's consumers. Redis cannot say which client waits on which list, so here an
unconsumed queue is found by what it does: it holds messages and none of them leaves while the
worker has time to take them.
"""

from __future__ import annotations

import time

from harness.checks.reproduce import harness_line
from harness.findings import Finding, OrphanQueue, Severity
from harness.probes.redis_tap import SEP, list_depths
from harness.session import Session

IGNORED = ("harness.", "_kombu.", "unacked", "celeryev")
CHECK = "topology.no_queue_without_consumers"


def lists_on_server(session: Session) -> set[str]:
    """Every queue (list) on the run's Redis, priority steps folded into their queue."""
    assert session.services.redis is not None
    with session.services.redis.client() as client:
        keys = [k.decode() if isinstance(k, bytes) else k for k in client.scan_iter(count=500, _type="LIST")]
    return {k.split(SEP)[0] for k in keys if not k.startswith(IGNORED)}


def unconsumed_lists(session: Session, watch_s: float = 3.0) -> dict[str, int]:
    """Lists that hold messages and never shrink while watched: nothing consumes them."""
    assert session.services.redis is not None
    dlq = session.config.contract.dlq_queue
    names = sorted(q for q in lists_on_server(session) | {o.queue for o in session.tap.observations()}
                   if q and q != dlq and not q.startswith(IGNORED))
    first = {n: d for n, d in list_depths(session.services.redis, names).items() if d}
    deadline = time.monotonic() + watch_s
    while first and time.monotonic() < deadline:
        time.sleep(0.25)
        now = list_depths(session.services.redis, first)
        first = {n: d for n, d in first.items() if now[n] >= d}
    return first


def no_list_without_consumers(session: Session) -> None:
    """Every queue that receives messages on Redis is drained by some worker (the DLQ excepted)."""
    orphans = unconsumed_lists(session)
    if orphans:
        shown = ", ".join(f"{name} ({n} waiting)" for name, n in orphans.items())
        raise OrphanQueue(Finding(
            CHECK, ", ".join(orphans), Severity.HIGH, "messages wait in a queue no worker consumes",
            "every queue that receives messages has a consumer (the DLQ excepted)",
            f"{shown}, none taken in 3 s; on Redis such a list grows silently: no consumer count, no alarm",
            harness_line(session.spec.name, CHECK, "redis") + "; redis-cli --scan --type list"))
