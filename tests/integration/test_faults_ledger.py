"""The fault suite against the reference target and against targets that lose work.

Each run is ``pytest scenarios/test_faults.py --quick --faults ...`` in a subprocess (the fault suite
alone: a few seconds of load per fault). The reference must lose nothing, each faulty target must fail
with a finding that names the fault, the number lost and example trigger ids, and every run must leave
the broker, the database and the processes as they were.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness.faults.plan import CLUSTER_NAMES, FAULT_NAMES
from tests.conftest import HARNESS, OLD_PYTHON, ROOT, TARGETS, HarnessRun, interruptible
from tests.leftovers import CLEAN, local_postgres, local_servers, run_id_in, settled

pytestmark = [pytest.mark.live, pytest.mark.slow]
PYTEST = str(Path(sys.executable).parent / "pytest")
ON_EXTERNAL = ("worker_kill", "connections_closed", "database_unreachable", "webhook_restart")
ON_LOCAL = ("broker_restart", "broker_crash", "database_restart")
RUN_TIMEOUT_S = 420


def run_faults(report_dir: Path, target: str, services: str, faults: tuple[str, ...],
               extra: tuple[str, ...] = ()) -> HarnessRun:
    command = [PYTEST, "scenarios/test_faults.py", "--target", target, "--services", services, "--quick",
               "--faults", ",".join(faults), "--report-dir", str(report_dir), "-q", "-rs", "--tb=short", *extra]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True,
                            preexec_fn=interruptible)
    out, err = interrupted_after(proc, RUN_TIMEOUT_S)
    assert proc.returncode is not None
    return HarnessRun(proc.returncode, out, err, report_dir)


def interrupted_after(proc: subprocess.Popen[str], timeout_s: float) -> tuple[str, str]:
    """The run's output; past ``timeout_s`` it gets Ctrl-C (SIGINT: it stops what it started) and then,
    only if that does not end it, SIGKILL. Killing it outright would leave its servers running."""
    try:
        return proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
    pytest.fail(f"the fault run did not end within {timeout_s:g} s and was interrupted:\n{out[-3000:]}{err[-2000:]}")


def scenarios(run: HarnessRun) -> dict[str, dict[str, Any]]:
    return {s["name"]: s for s in run.report["reliability"]["scenarios"]}



def assert_nothing_lost(run: HarnessRun, faults: tuple[str, ...]) -> None:
    assert run.code == 0, run.stdout[-3000:]
    found = {name: s for name, s in scenarios(run).items() if not s["skipped"]}
    assert set(found) == set(faults)
    for name, scenario in found.items():
        account = scenario["account"]
        assert account["lost"] == 0 and account["unexpected"] == 0, (name, account)
        assert account["accepted"] == account["sent"] > 0, (name, account)  # refused ones were retried
        assert all(r["accepts_again_s"] is not None and r["drain_s"] is not None for r in scenario["recovery"])
        assert f"ledger {name}: sent {account['sent']}" in run.stdout
    assert run.report["reliability"]["ledger"]["lost"] == 0


def test_reference_loses_nothing_when_its_processes_and_connections_fail(tmp_path: Path) -> None:
    run = run_faults(tmp_path, "reference", "external", (*ON_EXTERNAL, "broker_restart"))
    skipped = scenarios(run).pop("broker_restart")  # what this back-end cannot inject is skipped, with the reason
    assert "never stops servers it did not start" in skipped["skipped"]
    assert_nothing_lost(run, ON_EXTERNAL)
    run_id = run.report["run_id"]
    assert (tmp_path / run_id / "ledger" / "worker_kill.jsonl").is_file()
    assert settled(run_id) == CLEAN


def test_reference_loses_nothing_when_broker_and_database_go_down(tmp_path: Path) -> None:
    run = run_faults(tmp_path, "reference", "local", ON_LOCAL)
    assert_nothing_lost(run, ON_LOCAL)
    [restart] = [e for e in run.report["reliability"]["faults"] if e["kind"] == "database_restart"]
    assert restart["detail"].startswith("pg_ctl stop -m fast")
    assert settled(run.report["run_id"]) == CLEAN  # its local servers too, the restarted postgres included


@pytest.mark.skipif(not OLD_PYTHON.exists(), reason="make test builds .venv-celery5old first")
def test_reference_on_celery_5_2_keeps_its_results_through_a_database_outage(tmp_path: Path) -> None:
    """Celery 5.2's database backend gives up on a result after three quick tries; the reference makes
    its errors retryable (as Celery >= 5.3 does), so no task that succeeded is marked FAILURE."""
    run = run_faults(tmp_path, "reference", "external", ("database_unreachable",),
                     ("--target-python", str(OLD_PYTHON)))
    assert run.report["target_runtime"]["celery"].startswith("5.2.")
    assert_nothing_lost(run, ("database_unreachable",))
    account = scenarios(run)["database_unreachable"]["account"]
    assert account["failed"] == 0 and account["completed"] == account["accepted"], account
    assert settled(run.report["run_id"]) == CLEAN


def test_ctrl_c_while_postgres_is_down_leaves_nothing(tmp_path: Path) -> None:
    """Ctrl-C during database_restart's outage: the fault starts postgres again on its way out, and
    the run's teardown must then stop that restarted cluster with everything else."""
    proc = subprocess.Popen([HARNESS, "run", "--target", "reference", "--services", "local", "--quick", "--no-load",
                             "--faults", "database_restart", "--report-dir", str(tmp_path), "--", "-k", "faults"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=interruptible)
    assert proc.stdout is not None
    run_id = run_id_in(proc.stdout.readline())  # printed before the services start
    assert wait_for(lambda: bool(local_postgres(run_id)), 120), "the run's postgres never started"
    assert local_servers(run_id), "the local servers do not carry the run's id: the leftover check would be blind"
    stopped = wait_for(lambda: not local_postgres(run_id), 180)
    time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGINT)
    _out, err = interrupted_after(proc, 120)
    assert stopped, "the fault never stopped postgres"
    assert proc.returncode != 0 and "Traceback" not in err, err[-2000:]
    assert settled(run_id) == CLEAN


def wait_for(condition: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_an_unknown_fault_is_refused_before_anything_starts(harness) -> None:  # type: ignore[no-untyped-def]
    run = harness("run", "--faults", "worker_kill,meteor_strike", "--services", "external")
    assert run.code == 2
    assert run.stderr.strip().splitlines() == [
        "harness: unknown fault meteor_strike; choose from all, " + ", ".join(FAULT_NAMES) + ", mixed, cluster ("
        + ", ".join(CLUSTER_NAMES) + ")"]


FAULTY = [
    ("early_ack", "external", "worker_kill"),
    ("unconfirmed_publish", "local", "broker_crash"),
    ("non_durable_queue", "local", "broker_crash"),
    ("transient_messages", "local", "broker_crash"),
    ("swallowed_publish_error", "local", "broker_crash"),
]


@pytest.mark.parametrize("name,services,fault", FAULTY, ids=[f[0] for f in FAULTY])
def test_a_target_that_loses_work_fails_with_the_losses_named(tmp_path: Path, name: str, services: str,
                                                              fault: str) -> None:
    run = run_faults(tmp_path, str(TARGETS / f"{name}_target.py"), services, (fault,))
    assert run.code == 1, run.stdout[-3000:]
    account = scenarios(run)[fault]["account"]
    assert account["lost"] > 0
    finding = next(f for f in run.findings("faults.no_loss_under_fault") if f["severity"] == "critical")
    assert finding["subject"] == fault
    assert finding["title"].startswith(f"{account['lost']} of {account['accepted']} accepted webhooks lost under")
    assert all(trigger in finding["observed"] for trigger in account["examples"]["lost"])
    assert f"--faults {fault}" in finding["reproduce"]
    assert settled(run.report["run_id"]) == CLEAN


def test_a_target_that_never_accepts_again_after_a_fault_is_named(tmp_path: Path) -> None:
    run = run_faults(tmp_path, str(TARGETS / "never_recovers_target.py"), "local", ("broker_restart",))
    assert run.code == 1, run.stdout[-3000:]
    scenario = scenarios(run)["broker_restart"]
    assert scenario["recovery"][0]["accepts_again_s"] is None and scenario["account"]["lost"] == 0
    titles = {f["title"]: f for f in run.findings("faults.no_loss_under_fault")}
    refused = titles["webhooks still refused after broker_restart"]
    assert refused["severity"] == "high" and "--faults broker_restart" in refused["reproduce"]
    assert "after broker_restart: accepts webhooks again: not within the run" in run.stdout
    assert settled(run.report["run_id"]) == CLEAN
