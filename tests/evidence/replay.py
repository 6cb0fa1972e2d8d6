"""A stand-in session that answers the checks from recorded evidence, and each check's verdict on it.

The session holds the real contract (the project's configuration, as the capture's run had it), and replays
what the run's servers said: the management API's queue, exchange and bindings, the tap's copies, the probe
log's executions and the result rows. Judging needs nothing else, so a verdict takes milliseconds.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from harness.checks.retries import FailedRun
from harness.config import HarnessConfig, load_config
from harness.findings import CheckFailed, CheckSkipped
from harness.probes.executions import Execution
from harness.probes.results import TaskRow
from harness.probes.tap import Observation
from tests.evidence.trim import execution, observation, row

ROOT = Path(__file__).resolve().parents[2]
EVIDENCE = ROOT / "tests" / "evidence"
CONFIG: HarnessConfig = load_config(ROOT)
Outcome = str | list[dict[str, str]]


def load(family: str, target: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EVIDENCE / family / f"{target}.json").read_text(encoding="utf-8"))
    return data


def outcome(check: Callable[[], object]) -> Outcome:
    """``passed``, ``skipped: <reason>``, or the findings (check, subject, severity, title) of one check."""
    try:
        check()
    except CheckSkipped as skipped:
        return f"skipped: {skipped}"
    except CheckFailed as failed:
        return [{"check": f.check, "subject": f.subject, "severity": str(f.severity), "title": f.title}
                for f in failed.findings]
    return "passed"


def failing(outcomes: dict[str, Outcome]) -> dict[str, set[str]]:
    """Each check that found something (its id without the parameter), and the severities it gave."""
    found: dict[str, set[str]] = {}
    for key, result in outcomes.items():
        if isinstance(result, list):
            found.setdefault(key.partition("[")[0], set()).update(f["severity"] for f in result)
    return found


@dataclass
class RecordedApi:
    """The management API's answers, as recorded: queues by name, the contract exchange and its bindings."""

    queues_by_name: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    exchange_found: dict[str, Any] | None = None
    bindings: list[dict[str, Any]] = field(default_factory=list)

    def queue(self, _vhost: str, name: str) -> dict[str, Any] | None:
        return self.queues_by_name.get(name)

    def queues(self, _vhost: str) -> list[dict[str, Any]]:
        return [q for q in self.queues_by_name.values() if q is not None]

    def exchange(self, _vhost: str, name: str) -> dict[str, Any] | None:
        return self.exchange_found if self.exchange_found and self.exchange_found.get("name") == name else None

    def bindings_from(self, _vhost: str, _exchange: str) -> list[dict[str, Any]]:
        return self.bindings


@dataclass
class RecordedTap:
    seen: list[Observation]

    def observations(self, task_id: str | None = None) -> list[Observation]:
        return [o for o in self.seen if task_id is None or o.task_id == task_id]


@dataclass
class RecordedLog:
    """The probe log's executions."""

    seen: list[Execution]

    def executions(self, task_id: str | None = None) -> list[Execution]:
        return [x for x in self.seen if task_id is None or x.id == task_id]


@dataclass
class RecordedRows:
    """The result backend's rows."""

    stored: dict[str, TaskRow]

    def rows(self, task_ids: Iterable[str]) -> dict[str, TaskRow]:
        return {i: self.stored[i] for i in task_ids if i in self.stored}


def session(evidence: dict[str, Any]) -> Any:
    """A stand-in for :class:`harness.session.Session`, answering from ``evidence``."""
    api = RecordedApi(evidence.get("queues") or {}, evidence.get("exchange"), evidence.get("bindings") or [])
    rows = {i: row(i, data) for i, data in (evidence.get("rows") or {}).items()}
    target = SimpleNamespace(description=evidence.get("description") or {}, published=[],
                             executions=RecordedLog([execution(x) for x in evidence.get("executions") or []]))
    return SimpleNamespace(
        config=CONFIG, spec=SimpleNamespace(name=evidence["target"], celery_app="recorded:celery_app"),
        vhost="recorded", broker_kind="rabbitmq", services=SimpleNamespace(redis=None, broker=None), api=api,
        tap=RecordedTap([observation(o) for o in evidence.get("observations") or []]), target=target,
        results=RecordedRows(rows), refresh_mirrors=lambda: None)


def failed_run(data: dict[str, Any]) -> FailedRun:
    found = data["row"]
    return FailedRun(data["task"], data["task_id"], data["trigger"], [execution(x) for x in data["executions"]],
                     row(data["task_id"], found) if found else None, data["countdown_s"], data["published_at"])
