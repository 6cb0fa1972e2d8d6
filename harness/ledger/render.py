"""The account as printed lines, and the ledger's records as JSON lines for the run's folder."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from harness.ledger.account import Verdict
from harness.ledger.records import Evidence

COLUMNS = (("sent", "sent"), ("accepted", "accepted"), ("rejected", "rejected"), ("completed", "completed"),
           ("failed", "failed"), ("dead_lettered", "dead-lettered"), ("lost", "LOST"),
           ("ignored", "ignored"), ("duplicated", "duplicated"), ("unexpected", "unexpected"))


def account_line(account: dict[str, Any]) -> str:
    """``sent 120, accepted 118, rejected 2, completed 118, ..., LOST 0, duplicated 3, unexpected 0``."""
    return ", ".join(f"{label} {account.get(key, 0)}" for key, label in COLUMNS)


def _within(what: str, value: Any) -> str:
    return f"{what} in {value:.1f} s" if value is not None else f"{what}: not within the run"


def recovery_line(entry: dict[str, Any]) -> str:
    return (f"after {entry['kind']}: {_within('accepts webhooks again', entry.get('accepts_again_s'))}, "
            f"{_within('backlog drained', entry.get('drain_s'))}")


def load_lines(load: dict[str, Any] | None) -> list[str]:
    """The load phase's ledger: its account and example lost ids."""
    if not load:
        return []
    lines = [f"ledger load: {account_line(load.get('account') or {})}"]
    lost = ((load.get("account") or {}).get("examples") or {}).get("lost")
    return lines + ([f"    lost, for example (triggerUuid): {', '.join(lost)}"] if lost else [])


def reliability_lines(reliability: dict[str, Any] | None) -> list[str]:
    """The ledger of every fault scenario (its account, its recovery figures, example lost ids), then the
    load phase's."""
    lines = []
    for scenario in (reliability or {}).get("scenarios") or []:
        name = scenario.get("name", "?")
        if scenario.get("skipped"):
            lines.append(f"ledger {name}: skipped ({scenario['skipped']})")
            continue
        lines.append(f"ledger {name}: {account_line(scenario.get('account') or {})}")
        lines += [f"    {recovery_line(entry)}" for entry in scenario.get("recovery") or []]
        lost = ((scenario.get("account") or {}).get("examples") or {}).get("lost")
        if lost:
            lines.append(f"    lost, for example (triggerUuid): {', '.join(lost)}")
    return lines + load_lines((reliability or {}).get("load"))


def verdict_record(verdict: Verdict) -> dict[str, Any]:
    """One delivery as a JSON line: what was sent, what the target answered, what became of it."""
    delivery = verdict.delivery
    return {"trigger": delivery.trigger, "seq": delivery.seq, "intended": round(delivery.intended, 4),
            "attempts": [{"t": round(a.t, 4), "answer": a.describe(), "elapsed_s": round(a.elapsed_s, 4)}
                         for a in delivery.attempts],
            "outcome": verdict.outcome, "reached_queue": verdict.reached_queue, "unroutable": verdict.unroutable,
            "finished": verdict.finished, "duplicated": verdict.duplicated,
            "completed_twice": verdict.completed_twice, "unresolved_task_ids": list(verdict.unresolved)}


def write_records(path: Path, verdicts: Iterable[Verdict], runs: dict[str, list[dict[str, Any]]]) -> None:
    """The ledger as JSON lines, each record with the task runs its delivery caused."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for verdict in verdicts:
            record = verdict_record(verdict) | {"runs": runs.get(verdict.delivery.trigger, [])}
            handle.write(json.dumps(record) + "\n")


def runs_by_trigger(evidence: Evidence) -> dict[str, list[dict[str, Any]]]:
    """Each delivery's task runs, as the JSON lines of :func:`write_records` carry them."""
    return {trigger: [{"task": r.task, "id": r.task_id, "attempt": r.attempt, "pid": r.pid, "t": r.t,
                       "done": r.done} for r in runs]
            for trigger, runs in evidence.runs.items()}
