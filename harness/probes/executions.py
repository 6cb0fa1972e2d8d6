"""Task executions recorded by the worker probes (a JSON-lines file the bootstrap appends to)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Execution:
    task: str
    id: str
    retries: int
    pid: int
    t: float
    routing_key: str | None
    exchange: str | None
    priority: int | None
    redelivered: bool | None
    trigger: str | None


class ExecutionLog:
    """Reads the probe log incrementally."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._offset = 0
        self.events: list[dict[str, Any]] = []

    def refresh(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return self.events
        with self.path.open("r", encoding="utf-8") as handle:
            handle.seek(self._offset)
            chunk = handle.read()
        complete, _, _partial = chunk.rpartition("\n")
        if complete:
            self._offset += len(complete.encode("utf-8")) + 1
            self.events.extend(json.loads(line) for line in complete.splitlines() if line.strip())
        return self.events

    def ready_count(self) -> int:
        return sum(1 for e in self.refresh() if e.get("event") == "ready")

    def completed(self, task_id: str) -> bool:
        """Whether a run of ``task_id`` returned from its body (recorded by the probe)."""
        return any(e.get("event") == "done" and e.get("id") == task_id for e in self.refresh())

    def executions(self, task_id: str | None = None) -> list[Execution]:
        found = [_execution(e) for e in self.refresh() if e.get("event") == "task"]
        return [x for x in found if task_id is None or x.id == task_id]


def _execution(event: dict[str, Any]) -> Execution:
    return Execution(event["task"], event["id"], int(event.get("retries") or 0), int(event["pid"]),
                     float(event["t"]), event.get("routing_key"), event.get("exchange"),
                     event.get("priority"), event.get("redelivered"), event.get("trigger"))
