"""Evidence trimmed to the fields the checks read, as JSON, and read back into the harness's own types.

The capture script writes with the ``*_of`` functions; the recorded-evidence tests read with the others.
Message bodies are kept only where a check reads them (the dead letters); elsewhere a copy's body is empty.
"""

from __future__ import annotations

import base64
from typing import Any

from harness.probes.executions import Execution
from harness.probes.results import TaskRow
from harness.probes.tap import Observation

CONF_KEYS = ("worker_prefetch_multiplier", "event_exchange", "task_default_exchange", "broker_transport_options")
TASK_KEYS = ("route", "autoretry_for", "max_retries", "countdown", "has_on_failure")
QUEUE_KEYS = ("name", "durable", "arguments")
EXCHANGE_KEYS = ("name", "type", "arguments")
PIDBOX = ".celery.pidbox"  # a worker's remote-control queue, named <node>@<host>.celery.pidbox


def description_of(description: dict[str, Any]) -> dict[str, Any]:
    """The target's description (``inspect``), with only what routing, retries, priority and DLQ checks read."""
    conf = description.get("conf", {})
    return {
        "conf": {k: conf[k] for k in CONF_KEYS if k in conf},
        "queues": [{"name": q["name"], "exchange": q.get("exchange"), "bindings": q.get("bindings", [])}
                   for q in description.get("queues", [])],
        "tasks": {name: {k: info[k] for k in TASK_KEYS if k in info}
                  for name, info in description.get("tasks", {}).items()},
        "workers": description.get("workers"),
        "worker_args": description.get("worker_args"),
    }


def queue_of(queue: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if queue is None else {k: queue.get(k) for k in QUEUE_KEYS}


def exchange_of(exchange: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if exchange is None else {k: exchange.get(k) for k in EXCHANGE_KEYS}


def host_free(queue: str) -> str:
    """A queue name without the worker's node and host (the control queues)."""
    return f"worker@host{PIDBOX}" if queue.endswith(PIDBOX) else queue


def is_dead_letter(o: Observation, dlq: str) -> bool:
    """A copy in the DLQ, or a dead-letter task's message wherever it went (what the dead-letter checks read)."""
    return o.queue == dlq or "dead_letter" in (o.task or "")


def observation_of(o: Observation, body: bool = False) -> dict[str, Any]:
    found: dict[str, Any] = {"queue": host_free(o.queue), "exchange": o.exchange, "routing_key": o.routing_key,
                             "task": o.task, "task_id": o.task_id, "priority": o.priority, "persistent": o.persistent}
    if body:
        found |= {"body": base64.b64encode(o.body).decode(), "content_type": o.content_type,
                  "content_encoding": o.content_encoding, "compression": o.compression}
    return found


def execution_of(x: Execution) -> dict[str, Any]:
    """A probe log execution: what the retry, priority and results checks read of it."""
    return {"task": x.task, "id": x.id, "retries": x.retries, "t": x.t, "priority": x.priority}


def row_of(row: TaskRow) -> dict[str, Any]:
    """A result row's status and what :func:`harness.checks.retries.final_exception` reads of it."""
    result = row.result if isinstance(row.result, dict) else None
    last = (row.traceback or "").strip().splitlines()[-1:]
    return {"status": row.status, "exc_type": (result or {}).get("exc_type"), "traceback": last[0] if last else None}


def observation(data: dict[str, Any]) -> Observation:
    return Observation(data["queue"], data["exchange"], data["routing_key"], data["task"], data["task_id"],
                       data["priority"], data["persistent"], 0, base64.b64decode(data.get("body", "")),
                       data.get("content_type"), data.get("content_encoding"), data.get("compression"))


def execution(data: dict[str, Any]) -> Execution:
    return Execution(data["task"], data["id"], data["retries"], 0, data["t"], None, None, data["priority"], None, None)


def row(task_id: str, data: dict[str, Any]) -> TaskRow:
    result = {"exc_type": data["exc_type"]} if data.get("exc_type") else None
    return TaskRow(task_id, data["status"], result, data.get("traceback"))
