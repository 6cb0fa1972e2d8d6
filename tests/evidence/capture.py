"""Record the evidence the broker and worker checks judge, from a real run of one target.

    .venv/bin/python -m tests.evidence.capture reference
    .venv/bin/python -m tests.evidence.capture tests/targets/non_durable_queue_target.py topology

Opens a session the way ``harness run`` does (external services, the quick time scale), runs the routing,
priority, retries, dead-letter, topology and results checks in the suites' order, and writes what each one
judged, trimmed to the fields it reads, to ``tests/evidence/<family>/<target>.json``, with the outcome the live
check gave (its findings' check, subject, severity and title). The judging functions are wrapped while they
run, so the recorded inputs are exactly those the live check judged.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from harness.checks import dead_letters, dlq_consumers, priority, results, retries, routing, topology
from harness.config import HarnessConfig, config_from_options
from harness.faults.plan import parse_faults
from harness.options import GATE
from harness.session import Session, open_session
from tests.evidence.replay import Outcome, outcome
from tests.evidence.trim import (
    description_of,
    exchange_of,
    execution_of,
    is_dead_letter,
    observation_of,
    queue_of,
    row_of,
)

ROOT = Path(__file__).resolve().parents[2]
EVIDENCE = ROOT / "tests" / "evidence"
FAMILIES = ("routing", "priority", "retries", "dead_letters", "topology", "results")


def config_for(target: str) -> HarnessConfig:
    given = {"target": target, "services": "external", "quick": True, "load": False}
    return config_from_options(ROOT, GATE, given, os.environ, parse_faults)


@contextmanager
def recording(module: Any, name: str, into: dict[str, Any], key: str,
              keep: Callable[..., Any]) -> Iterator[None]:
    """Wrap ``module.name`` so each call's arguments, as ``keep`` trims them, land in ``into[key]``."""
    original = getattr(module, name)

    def wrapped(*args: Any) -> Any:
        into.setdefault(key, []).append(keep(*args))
        return original(*args)

    setattr(module, name, wrapped)
    try:
        yield
    finally:
        setattr(module, name, original)


def capture_routing(session: Session) -> dict[str, Any]:
    contract, name, description = session.config.contract, session.spec.name, session.target.description
    recorded: dict[str, Any] = {}
    outcomes: dict[str, Outcome] = {}
    for task in (t.name for t in contract.tasks):
        outcomes[f"{routing.STATIC}[{task}]"] = outcome(
            lambda task=task: routing.route_key_matches_binding(description, contract, task, name))
    with recording(routing, "judge_landing", recorded, "landings",
                   lambda _s, expected, seen, _c: {"task": expected.name, "seen": [observation_of(o) for o in seen]}):
        for task in (t.name for t in contract.tasks):
            outcomes[f"{routing.LIVE}[{task}]"] = outcome(lambda task=task: routing.route_reaches_queue(session, task))
    return {"description": description_of(description), "landings": recorded.get("landings", []),
            "outcomes": outcomes}


def capture_priority(session: Session) -> dict[str, Any]:
    recorded: dict[str, Any] = {}
    outcomes = {priority.SETTINGS: outcome(lambda: priority.worker_settings_keep_priority(session))}
    with recording(priority, "started_highest_first", recorded, "backlog",
                   lambda _s, queue, ids, started: {"queue": queue, "ids": dict(ids),
                                                    "started": [execution_of(x) for x in started]}):
        outcomes[priority.ORDER] = outcome(lambda: priority.backlog_consumed_highest_first(session))
    return {"description": description_of(session.target.description), "backlog": recorded.get("backlog", [None])[0],
            "outcomes": outcomes}


def failed_run_of(run: retries.FailedRun) -> dict[str, Any]:
    return {"task": run.task, "task_id": run.task_id, "trigger": run.trigger, "countdown_s": run.countdown_s,
            "published_at": run.published_at, "executions": [execution_of(x) for x in run.executions],
            "row": row_of(run.row) if run.row else None}


def capture_retries(session: Session, run: retries.FailedRun) -> dict[str, Any]:
    outcomes = {
        retries.DECLARED: outcome(
            lambda: retries.declared_policy_matches_contract(session.target.description, session)),
        retries.RUNS: outcome(lambda: retries.failing_task_runs_max_retries_plus_one(session, run)),
        retries.PACE: outcome(lambda: retries.retries_follow_declared_countdown(session, run)),
    }
    return {"description": description_of(session.target.description), "failed_run": failed_run_of(run),
            "outcomes": outcomes}


def capture_dead_letters(session: Session, run: retries.FailedRun) -> dict[str, Any]:
    recorded: dict[str, Any] = {}
    outcomes: dict[str, Outcome] = {}
    with recording(dead_letters, "dlq_keeps_its_letters", recorded, "dlq_depth",
                   lambda _s, _q, consumers, messages: {"consumers": consumers, "messages": messages}):
        outcomes[dead_letters.AFTER_RETRIES] = outcome(
            lambda: dead_letters.dead_letters_after_max_retries(session, run))
    outcomes[dead_letters.OUTSIDE_BODY] = outcome(lambda: dead_letters.failure_handling_outside_task_body(session, run))
    with recording(dlq_consumers, "consumers_named", recorded, "dlq_consumers",
                   lambda details, live: {"consumer_details": [consumer_of(c) for c in details], "live": live}):
        outcomes[dlq_consumers.CHECK] = outcome(lambda: dlq_consumers.dlq_has_no_consumer(session))
    letters = [observation_of(o, body=True) for o in session.tap.observations()
               if run.trigger.encode() in o.plain and is_dead_letter(o, session.config.contract.dlq_queue)]
    return {"description": description_of(session.target.description), "failed_run": failed_run_of(run),
            "observations": letters, "dlq_depth": (recorded.get("dlq_depth") or [None])[0],
            "dlq_consumers": (recorded.get("dlq_consumers") or [None])[0], "outcomes": outcomes}


def consumer_of(detail: dict[str, Any]) -> dict[str, Any]:
    name = (detail.get("channel_details") or {}).get("connection_name")
    return {"channel_details": {"connection_name": name}, "consumer_tag": detail.get("consumer_tag")}


def capture_topology(session: Session) -> dict[str, Any]:
    contract = session.config.contract
    recorded: dict[str, Any] = {}
    outcomes: dict[str, Outcome] = {}
    for queue in contract.work_queues:
        outcomes[f"topology.queue_is_durable[{queue}]"] = outcome(
            lambda q=queue: topology.queue_is_durable(session, q))
        outcomes[f"topology.queue_bound_to_exchange[{queue}]"] = outcome(
            lambda q=queue: topology.queue_bound_to_exchange(session, q))
        outcomes[f"topology.max_priority_covers_priorities[{queue}]"] = outcome(
            lambda q=queue: topology.max_priority_covers_priorities(session, q))
    observations = [observation_of(o) for o in session.tap.observations()]
    outcomes["topology.messages_are_persistent"] = outcome(lambda: topology.messages_are_persistent(session))
    with recording(topology, "every_queue_has_a_consumer", recorded, "counts",
                   lambda _s, counts: {q: {"messages": c.messages, "consumers": c.consumers}
                                       for q, c in counts.items()}):
        outcomes["topology.no_queue_without_consumers"] = outcome(
            lambda: topology.no_queue_without_consumers(session))
    api, vhost = session.api, session.vhost
    queues = {q: queue_of(api.queue(vhost, q)) for q in (*contract.work_queues, contract.dlq_queue)}
    return {"description": description_of(session.target.description), "queues": queues,
            "exchange": exchange_of(api.exchange(vhost, contract.exchange)),
            "bindings": [{"destination": b.get("destination"), "routing_key": b.get("routing_key")}
                         for b in api.bindings_from(vhost, contract.exchange)],
            "observations": observations, "counts": (recorded.get("counts") or [{}])[0], "outcomes": outcomes}


def capture_results(session: Session) -> dict[str, Any]:
    outcomes = {results.EXECUTED: outcome(lambda: results.every_execution_has_a_row(session))}
    done = session.target.executions.executions()
    rows = session.results.rows(sorted({x.id for x in done}))
    return {"executions": [execution_of(x) for x in done], "rows": {i: row_of(r) for i, r in rows.items()},
            "outcomes": outcomes}


def capture(target: str, name: str, families: set[str]) -> dict[str, dict[str, Any]]:
    """Every family's evidence from one session; ``families``: those to write (all of them are gathered, in the
    suites' order, so that each check sees the traffic the ones before it made)."""
    with open_session(config_for(target), ROOT, dict(os.environ)) as session:
        found = {"routing": capture_routing(session), "priority": capture_priority(session)}
        run = retries.run_failing_task(session)
        found["retries"] = capture_retries(session, run)
        found["dead_letters"] = capture_dead_letters(session, run)
        found["topology"] = capture_topology(session)
        found["results"] = capture_results(session)
    return {family: evidence | {"target": name} for family, evidence in found.items() if family in families}


def write(name: str, found: dict[str, dict[str, Any]]) -> None:
    for family, evidence in found.items():
        path = EVIDENCE / family / f"{name}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(evidence, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size} bytes")


def main(argv: list[str]) -> int:
    target, families = argv[0], set(argv[1:]) or set(FAMILIES)
    name = Path(target).stem.removesuffix("_target")
    write(name, capture(target, name, families))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
