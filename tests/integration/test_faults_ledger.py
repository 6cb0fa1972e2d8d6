"""The fault suite against the reference target and against targets that lose work.

Each run is ``pytest scenarios/test_faults.py --quick --faults ...`` in a subprocess (the fault suite
alone: a few seconds of load per fault). The reference must lose nothing, each faulty target must fail
with a finding that names the fault, the number lost and example trigger ids, and every run must leave
the broker, the database and the processes as they were.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from harness.faults.plan import FAULT_NAMES
from tests.conftest import ROOT, TARGETS, HarnessRun
from tests.leftovers import CLEAN, local_server_processes, settled

pytestmark = [pytest.mark.live, pytest.mark.slow]
PYTEST = str(Path(sys.executable).parent / "pytest")
ON_EXTERNAL = ("worker_kill", "connections_closed", "database_unreachable", "webhook_restart")
ON_LOCAL = ("broker_restart", "broker_crash", "database_restart")


def run_faults(report_dir: Path, target: str, services: str, faults: tuple[str, ...]) -> HarnessRun:
    command = [PYTEST, "scenarios/test_faults.py", "--target", target, "--services", services, "--quick",
               "--faults", ",".join(faults), "--report-dir", str(report_dir), "-q", "-rs", "--tb=short"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=420, check=False)
    return HarnessRun(done.returncode, done.stdout, done.stderr, report_dir)


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
    before = set(local_server_processes())
    run = run_faults(tmp_path, "reference", "local", ON_LOCAL)
    assert_nothing_lost(run, ON_LOCAL)
    assert settled(run.report["run_id"]) == CLEAN
    assert new_servers(before) == []


def new_servers(before: set[int], timeout_s: float = 15) -> list[str]:
    """Command lines of local server processes started since ``before`` and still running."""
    deadline = time.monotonic() + timeout_s
    while (new := set(local_server_processes()) - before) and time.monotonic() < deadline:
        time.sleep(0.5)
    return [command for pid in new if (command := command_line(pid))]


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")[:200]
    except OSError:
        return ""


def test_an_unknown_fault_is_refused_before_anything_starts(harness) -> None:  # type: ignore[no-untyped-def]
    run = harness("run", "--faults", "worker_kill,meteor_strike", "--services", "external")
    assert run.code == 2
    assert run.stderr.strip().splitlines() == [
        "harness: unknown fault meteor_strike; choose from all, " + ", ".join(FAULT_NAMES) + ", mixed"]


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
