"""The "Clustering" row: filled from the newest cluster run of each target, "not measured" without one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.ab.clustering import NO_RUN, ONE_SIDE, clustering, latest_cluster_runs

BROKERS = ("redis", "rabbitmq")


def cluster_report(target: str, lost: int) -> dict[str, Any]:
    account = {"lost": lost, "accepted": 120, "duplicated": 2}
    return {"target": target, "services": {"cluster": "3 nodes (a, b, c), started and joined in 31.0 s"},
            "checks": [{"id": "replication.queue_is_replicated", "subject": "webhooks",
                        "status": "failed" if lost else "passed"}],
            "reliability": {"scenarios": [{"name": "node_kill", "account": account,
                                           "recovery": [{"accepts_again_s": 1.5, "drain_s": 4.0}]}]}}


def write(folder: Path, run: str, report: dict[str, Any]) -> None:
    (folder / run).mkdir(parents=True)
    (folder / run / "report.json").write_text(json.dumps(report))


def test_the_row_says_what_each_cluster_run_measured(tmp_path: Path) -> None:
    write(tmp_path, "20260101-000000-aaaaaa", cluster_report("reference", 9))  # older: not the one read
    write(tmp_path, "20260102-000000-bbbbbb", cluster_report("reference", 0))
    write(tmp_path, "20260102-000001-cccccc", cluster_report("seed", 7))
    write(tmp_path, "20260103-000000-dddddd", {"target": "seed", "services": {"broker": "local"}})  # one node
    capability, configured = clustering(latest_cluster_runs(tmp_path), "seed", BROKERS)
    assert capability.verdict == configured.verdict == ONE_SIDE and capability.winner is None
    assert "0 accepted webhooks lost" in capability.evidence and "7 accepted webhooks lost" in configured.evidence
    assert "node_kill: lost 7 of 120 accepted, duplicated 2" in configured.measured["rabbitmq"]
    assert "queues on one node only: webhooks" in configured.measured["rabbitmq"]
    assert configured.measured["redis"].startswith("not measured")


def test_without_a_cluster_run_the_row_is_not_measured(tmp_path: Path) -> None:
    capability, configured = clustering(latest_cluster_runs(tmp_path), "seed", BROKERS)
    assert capability.verdict == "not measured" and configured.evidence == NO_RUN
