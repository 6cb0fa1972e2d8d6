"""The "Clustering" row of the document's table, from a cluster run's report when there is one.

A cluster run is ``harness run --services local --nodes 3 --faults cluster``: its report names the cluster
(``services.cluster``), each cluster fault's account (``reliability.scenarios``) and the replication checks. Only
RabbitMQ is measured there (no Redis cluster is started), so the row names no winner: it says what RabbitMQ did
under each fault, for the reference (capability) and for the compared target when the run was of that target
(as configured). Without such a run the row stays "not measured", with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from harness.ab.verdicts import Answer, unmeasured

ONE_SIDE = "measured on RabbitMQ only"
CLUSTER_FAULTS = ("node_kill", "node_stop", "rolling_restart", "node_isolate")
NO_RUN = ("no cluster run found (harness run --services local --nodes 3 --faults cluster writes one); one node of "
          "each broker on this machine otherwise: clustering is not exercised")


def is_cluster_run(report: Mapping[str, Any]) -> bool:
    return bool((report.get("services") or {}).get("cluster")) and bool(scenarios_of(report))


def scenarios_of(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    found = (report.get("reliability") or {}).get("scenarios") or []
    return [s for s in found if s.get("name") in CLUSTER_FAULTS and s.get("account")]


def latest_cluster_runs(report_dir: Path, limit: int = 200) -> dict[str, tuple[Path, dict[str, Any]]]:
    """The newest cluster run of each target under ``report_dir`` (run folders are named by time)."""
    found: dict[str, tuple[Path, dict[str, Any]]] = {}
    for path in sorted(report_dir.glob("*/report.json"), reverse=True)[:limit]:
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(report, dict) and is_cluster_run(report):
            found.setdefault(str(report.get("target")), (path, report))
    return found


def fault_words(scenario: Mapping[str, Any]) -> str:
    account = scenario["account"]
    again = [r.get("accepts_again_s") for r in scenario.get("recovery") or []]
    drained = [r.get("drain_s") for r in scenario.get("recovery") or []]
    return (f"{scenario['name']}: lost {account.get('lost', 0)} of {account.get('accepted', 0)} accepted, "
            f"duplicated {account.get('duplicated', 0)}, webhooks {_after('accepted again', again)}, "
            f"backlog {_after('drained', drained)}")


def _after(what: str, values: list[Any]) -> str:
    known = [float(v) for v in values if v is not None]
    return f"{what} after {max(known):.1f} s" if known and len(known) == len(values) else (
        f"never {what} within the scenario")


def answer_of(run: tuple[Path, dict[str, Any]] | None, brokers: tuple[str, str], who: str) -> Answer:
    if run is None:
        return unmeasured(brokers, NO_RUN)
    path, report = run
    origin, destination = brokers
    lost = sum(int(s["account"].get("lost", 0)) for s in scenarios_of(report))
    unreplicated = sorted({c["subject"] for c in report.get("checks", [])
                           if c.get("id") == "replication.queue_is_replicated" and c.get("status") == "failed"})
    measured = {destination: f"{report['services']['cluster']}; " + "; ".join(map(fault_words, scenarios_of(report)))
                             + (f"; queues on one node only: {', '.join(unreplicated)}" if unreplicated else ""),
                origin: "not measured: no Redis cluster (Sentinel or Cluster) is started by the harness"}
    evidence = (f"{who} on a local RabbitMQ cluster ({path}): {lost} accepted webhooks lost in all under the cluster "
                "faults")
    return Answer(ONE_SIDE, None, measured, evidence)


def clustering(runs: Mapping[str, tuple[Path, dict[str, Any]]], target: str,
               brokers: tuple[str, str]) -> tuple[Answer, Answer]:
    """(capability: the reference's cluster run, as configured: the compared target's), each or not measured."""
    return (answer_of(runs.get("reference"), brokers, "reference"),
            answer_of(runs.get(target), brokers, f"the compared target {target}"))
