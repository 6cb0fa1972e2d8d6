"""Gathers what was seen of a phase's deliveries: tap copies, probe records, result rows, DLQ messages.

A message is tied to a delivery by the ``triggerUuid`` inside it: at the top of a task's payload, in
its Monday ``event``, or anywhere in a dead-letter record that wraps the payload.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import sqlalchemy

from harness.ledger.records import WORKER_LOST, Arrival, Evidence, Run
from harness.probes.results import ResultBackend, TaskRow
from harness.probes.tap import MessageTap, Observation

FINAL = ("SUCCESS", "FAILURE", "REVOKED")
MAX_DEPTH = 8


def find_trigger(value: Any, depth: int = 0) -> str | None:
    """The first ``triggerUuid`` anywhere in a decoded JSON value (bounded depth)."""
    if depth > MAX_DEPTH:
        return None
    if isinstance(value, dict):
        if isinstance(value.get("triggerUuid"), str | int):
            return str(value["triggerUuid"])
        children: Iterable[Any] = value.values()
    elif isinstance(value, list | tuple):  # a pickled body decodes to tuples
        children = value
    else:
        return None
    return next((t for t in (find_trigger(c, depth + 1) for c in children) if t), None)


def trigger_of(observation: Observation) -> str | None:
    """The observation's triggerUuid: in its payload, else anywhere in its decoded body (a dead letter's record)."""
    return observation.trigger or find_trigger(observation.decoded.value)


def status_of(row: TaskRow) -> str:
    """The row's status; WORKER_LOST for a failure that only says the worker died under the task."""
    if row.status == "FAILURE" and "WorkerLostError" in f"{row.traceback or ''} {row.result!r}":
        return WORKER_LOST
    return row.status


def monotonic_to_wall(t_ns: int) -> float:
    return t_ns / 1e9 + (time.time() - time.monotonic())


class EvidenceReader:
    """Reads the tap, the probe log and the result backend for deliveries sent since ``since``.

    The tap's copies and the probe's records only grow, so each read handles what is new since the last.
    Messages whose ``triggerUuid`` starts with one of ``harness_prefixes`` are the harness's own traffic
    (the load phase's floor publishes): never counted as unexpected.
    """

    def __init__(self, tap: MessageTap, probe_events: Any, results: ResultBackend, dlq_queue: str,
                 since: float, harness_prefixes: tuple[str, ...] = ()) -> None:
        self._tap, self._probe_events, self._results = tap, probe_events, results
        self._dlq, self._since, self._harness = dlq_queue, since, harness_prefixes
        self._success: dict[str, str] = {}
        self._seen = Evidence()
        self._runs: dict[tuple[str, int, int], Run] = {}
        self._run_keys: dict[str, list[tuple[str, int, int]]] = {}
        self._tap_read = self._probe_read = 0

    def gather(self, sent: set[str]) -> Evidence:
        self._read_tap(sent)
        self._read_probes(sent)
        seen = self._seen
        runs = {trigger: [self._runs[k] for k in keys] for trigger, keys in self._run_keys.items()}
        evidence = Evidence(seen.arrivals, runs, {}, seen.dead, seen.unexpected)
        ids = set().union(*(evidence.task_ids(t) for t in sent)) if sent else set()
        evidence.rows = self._final_rows(ids)
        return evidence

    def _read_tap(self, sent: set[str]) -> None:
        observations = self._tap.observations()
        new, self._tap_read = observations[self._tap_read:], len(observations)
        for observation in new:
            t = monotonic_to_wall(observation.t_ns)
            if t < self._since:
                continue
            trigger = trigger_of(observation)
            if observation.queue == self._dlq and trigger in sent:
                self._seen.dead.setdefault(str(trigger), t)
            elif trigger in sent:
                self._seen.arrivals.setdefault(str(trigger), []).append(Arrival(
                    observation.queue, observation.task, observation.task_id, t, observation.persistent))
            elif observation.task and not (trigger or "").startswith(self._harness):
                self._seen.unexpected.append(observation.task_id or observation.task)

    def _read_probes(self, sent: set[str]) -> None:
        events = self._probe_events()
        new, self._probe_read = events[self._probe_read:], len(events)
        for e in new:
            if float(e.get("t", 0)) < self._since:
                continue
            key = _key(e)
            if e.get("event") == "task" and e.get("trigger") in sent:
                self._runs[key] = Run(str(e["task"]), str(e["id"]), key[1] + 1, key[2], float(e["t"]))
                self._run_keys.setdefault(str(e["trigger"]), []).append(key)
            elif e.get("event") == "done" and key in self._runs:
                self._runs[key] = replace(self._runs[key], done=float(e["t"]))

    def _final_rows(self, ids: set[str]) -> dict[str, str]:
        """Final statuses of ``ids``. Only SUCCESS is kept between reads: a FAILURE (WorkerLostError, say)
        is overwritten when the redelivered task succeeds."""
        wanted = sorted(ids - set(self._success))
        found = {}
        for start in range(0, len(wanted), 1000):
            for task_id, row in self._rows(wanted[start:start + 1000]).items():
                if row in FINAL or row == WORKER_LOST:
                    found[task_id] = row
        self._success.update((i, row) for i, row in found.items() if row == "SUCCESS")
        return {i: found.get(i) or self._success[i] for i in ids if i in found or i in self._success}

    def _rows(self, ids: list[str]) -> dict[str, str]:
        """Statuses of ``ids``; after a database restart the pool is renewed once, then rows are skipped."""
        for _ in range(2):
            try:
                return {i: status_of(r) for i, r in self._results.rows(ids).items()}
            except sqlalchemy.exc.SQLAlchemyError:
                self._results.close()  # disposes the pool; the next query reconnects
        return {}


def _key(event: dict[str, Any]) -> tuple[str, int, int]:
    return str(event.get("id")), int(event.get("retries") or 0), int(event.get("pid") or 0)
