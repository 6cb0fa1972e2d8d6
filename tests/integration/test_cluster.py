"""A local 3-node RabbitMQ cluster (``--services local --nodes 3``): started, joined, checked, used, removed.

One test runs in the normal live suite: the cluster started once, the replication checks and one cluster fault
against the reference, then nothing of the run left (processes, epmd, temporary folders). The full cluster plan
against the reference and the seed, a cluster given to the external back-end by its nodes' URLs, and a run
interrupted with Ctrl-C, run with ``make acceptance``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from harness.services.cluster import local_cluster
from tests.conftest import HARNESS, ROOT, HarnessRun, interruptible
from tests.leftovers import CLEAN, run_id_in, settled

pytestmark = [pytest.mark.live, pytest.mark.slow]
SHORT_PLAN = ("-k", "replicat or quorum or no_loss_under_fault")  # the cluster's own checks, not every suite again


def scenarios(run: HarnessRun) -> dict[str, dict[str, Any]]:
    return {s["name"]: s for s in (run.report.get("reliability") or {}).get("scenarios", [])}


def checks(run: HarnessRun, prefix: str) -> list[dict[str, Any]]:
    return [c for c in run.report["checks"] if c["id"].startswith(prefix)]


def test_a_cluster_run_replicates_survives_a_leader_kill_and_leaves_nothing(harness) -> None:
    run = harness("run", "--target", "reference", "--services", "local", "--nodes", "3", "--quick", "--no-load",
                  "--faults", "node_kill", "--", *SHORT_PLAN, timeout=300)
    assert run.code == 0, run.stderr[-2000:]
    assert "3 nodes" in run.report["services"]["cluster"]
    replicated = checks(run, "replication.queue_is_replicated")
    assert replicated and all(c["status"] == "passed" for c in replicated)
    kill = scenarios(run)["node_kill"]
    assert kill["account"]["lost"] == 0 and kill["account"]["accepted"] > 0
    assert settled(run_id_in(run.stdout)) == CLEAN


# make acceptance: the whole cluster plan (about four minutes a target) and an interrupted cluster run.

def test_the_reference_loses_nothing_under_every_cluster_fault(harness) -> None:
    started = time.monotonic()
    run = harness("run", "--target", "reference", "--services", "local", "--nodes", "3", "--no-load",
                  "--faults", "cluster", "--", *SHORT_PLAN, timeout=600)
    assert run.code == 0, run.stderr[-2000:]
    found = scenarios(run)
    assert set(found) == {"node_kill", "node_stop", "rolling_restart", "node_isolate"}
    for name, scenario in found.items():
        assert scenario["account"]["lost"] == 0, name
        assert "duplicated" in scenario["account"], name
    assert settled(run_id_in(run.stdout)) == CLEAN
    assert time.monotonic() - started < 420  # the plan under five minutes, the cluster's start and stop aside


def test_the_seed_loses_work_named_by_queue_node_and_count(harness) -> None:
    run = harness("run", "--target", "seed", "--services", "local", "--nodes", "3", "--no-load",
                  "--faults", "node_kill,node_stop", "--", *SHORT_PLAN, timeout=600)
    assert run.code == 1, run.stderr[-2000:]
    lost = run.findings("faults.no_loss_under_fault")
    assert any(f["severity"] == "critical" and "webhooks: classic, on harness-n" in f["observed"] for f in lost)
    unreplicated = run.findings("replication.queue_is_replicated")
    assert {f["subject"] for f in unreplicated} >= {"webhooks", "workflows", "ai_generation", "tests"}
    assert settled(run_id_in(run.stdout)) == CLEAN


def test_an_external_cluster_given_by_its_nodes_urls_is_judged_as_a_cluster(harness, tmp_path: Path) -> None:
    """A cluster the harness did not start (here one started by the test): --broker-url lists its nodes."""
    with local_cluster(tmp_path / "rabbit", 3) as (broker, _cluster):
        urls = ";".join(broker.url_at(*node) for node in broker.cluster_nodes)
        run = harness("run", "--target", "seed", "--services", "external", "--broker-url", urls,
                      "--management-url", broker.management_url, "--quick", "--no-load", "--", *SHORT_PLAN,
                      timeout=300)
    assert run.code == 1, run.stderr[-2000:]
    assert run.report["services"]["cluster"].startswith("3 nodes given: 127.0.0.1:")
    unreplicated = run.findings("replication.queue_is_replicated")
    assert {f["subject"] for f in unreplicated} >= {"webhooks", "workflows", "ai_generation", "tests"}
    assert "3-node cluster" in unreplicated[0]["title"]
    assert settled(run_id_in(run.stdout)) == CLEAN


def test_an_interrupted_cluster_run_leaves_nothing(tmp_path: Path) -> None:
    """Ctrl-C during the fault phase (a node may be frozen or down then): every node, the epmd and the folders go."""
    proc = subprocess.Popen([HARNESS, "run", "--target", "reference", "--services", "local", "--nodes", "3",
                             "--no-load", "--faults", "node_isolate", "--report-dir", str(tmp_path), "--",
                             *SHORT_PLAN], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=interruptible)
    assert proc.stdout is not None
    lines = [proc.stdout.readline() for _ in range(1)]
    while "cluster:" not in lines[-1] and lines[-1] and len(lines) < 50:  # the cluster and the target are up
        lines.append(proc.stdout.readline())
    run_id = run_id_in("".join(lines))
    time.sleep(15.0)  # into the fault phase
    os.killpg(proc.pid, signal.SIGINT)
    _out, err = proc.communicate(timeout=180)
    assert proc.returncode != 0
    assert "Traceback" not in err
    assert settled(run_id, timeout_s=30) == CLEAN
