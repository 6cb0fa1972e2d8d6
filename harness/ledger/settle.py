"""Waiting, bounded, until a phase's accepted webhooks have had their work done, then judging them.

Used by the fault phase (``harness.faults.phase``) and by the load phase's ledger (``harness.load.phase_ledger``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

import pika.exceptions

from harness.endpoints import Broker
from harness.ledger.account import Verdict, judge, settled, with_ignored
from harness.ledger.evidence import EvidenceReader
from harness.ledger.records import Delivery, Evidence
from harness.probes.amqp import queue_counts

SETTLE_POLL_S = 0.5
QUIET_S = 1.5  # nothing new seen for this long before the account is closed
HARD_STOP_FACTOR = 4
IDLE_S = 3.0  # work still missing, but nothing new for this long and no message waits in a work queue: done
DRAIN_CAP_S = 600.0  # past the hard stop, a backlog whose deliveries still end one after another gets this long


def queues_empty(broker: Broker, queues: Iterable[str]) -> bool:
    """No message waits in ``queues`` (a passive declare each); ``False`` when the broker does not answer."""
    try:
        counts = queue_counts(broker, queues)
    except (pika.exceptions.AMQPError, OSError):
        return False
    return not any(c.messages for c in counts.values())


def settle(reader: EvidenceReader, deliveries: list[Delivery], deadline_s: float,
           idle: Callable[[], bool]) -> tuple[list[Verdict], Evidence]:
    """Judge every delivery until all accepted work has ended and nothing new is seen; or until nothing new
    is seen for a while with the work queues empty (what is missing then will not come); or, past the
    deadline, once nothing new is seen for a while (a backlog still draining gets up to four times longer, and
    past that as long as its deliveries still end one after another, ``DRAIN_CAP_S`` at most: a worker slower
    than the load is slow, not losing work). When no accepted delivery left any trace by then, they are
    ``ignored``, not ``lost`` (``account.with_ignored``)."""
    sent = {d.trigger for d in deliveries}
    start = time.monotonic()
    deadline, hard_stop = start + deadline_s, start + deadline_s * HARD_STOP_FACTOR
    cap = hard_stop + DRAIN_CAP_S
    footprint: tuple[int, ...] = ()
    quiet_since = ending_since = start
    ended = -1
    while True:
        evidence = reader.gather(sent)
        verdicts = [judge(d, evidence) for d in deliveries]
        now_seen = (sum(map(len, evidence.arrivals.values())), sum(map(len, evidence.runs.values())),
                    len(evidence.rows), len(evidence.dead))
        now = time.monotonic()
        if now_seen != footprint:
            footprint, quiet_since = now_seen, now
        if (now_ended := sum(v.outcome != "lost" for v in verdicts)) != ended:
            ended, ending_since = now_ended, now
        quiet, draining = now - quiet_since, now - ending_since < IDLE_S
        if ((settled(verdicts) and quiet >= QUIET_S) or (quiet >= IDLE_S and (idle() or now >= deadline))
                or (now >= hard_stop and not draining) or now >= cap):
            return with_ignored(verdicts), evidence
        time.sleep(SETTLE_POLL_S)
