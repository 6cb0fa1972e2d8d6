"""Faults under a steady load, judged by the no-loss ledger (``--faults``; the library is ``harness.faults``).

One check per scenario (each fault alone, and ``mixed``). Its account goes to report.json under
``reliability``, its ledger to ``ledger/<scenario>.jsonl`` in the run's folder.
"""

from pathlib import Path

import pytest

from harness.faults import judge
from harness.faults.phase import ScenarioResult, run_scenario
from harness.faults.plan import plan_for, scenarios
from harness.findings import CheckSkipped, Severity
from harness.ledger.render import account_line, write_records
from harness.pytest_plugin import CONFIG_KEY, PRESET_KEY, REPORT_KEY
from harness.session import Session

pytestmark = pytest.mark.faults


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "fault_scenario" in metafunc.fixturenames:
        names = list(metafunc.config.stash[CONFIG_KEY].run.faults) or ["all"]
        metafunc.parametrize("fault_scenario", names, ids=names)


def records_path(config: pytest.Config, name: str) -> Path | None:
    """Where the scenario's ledger goes: the run's folder, when this run writes one."""
    run_id = config.stash[REPORT_KEY].run_id
    if not run_id or (config.stash.get(PRESET_KEY, None) is None and not config.option.harness_report_dir):
        return None
    return config.stash[CONFIG_KEY].run.report_dir / run_id / "ledger" / f"{name}.jsonl"


def keep(config: pytest.Config, result: ScenarioResult) -> None:
    """The ledger to its file, and the account to the report's ``reliability``."""
    path = records_path(config, result.scenario.name)
    if path is not None and result.account is not None:
        write_records(path, result.verdicts, result.runs)
    report = config.stash[REPORT_KEY]
    entry = judge.report_entry(result, f"ledger/{path.name}" if path else None)
    report.reliability = judge.add_to_reliability(report.reliability, entry, result.events)


@pytest.mark.check("faults.no_loss_under_fault")
def test_no_loss_under_fault(harness_session: Session, fault_scenario: str, request: pytest.FixtureRequest,
                             record_property) -> None:  # type: ignore[no-untyped-def]
    run = request.config.stash[CONFIG_KEY].run
    scenario = scenarios((fault_scenario,))[0]
    result = run_scenario(harness_session, scenario, plan_for(run.quick, run.fault_rate, run.fault_seconds,
                                                                      fault_scenario))
    keep(request.config, result)
    skipped = result.skipped or judge.ignored_reason(harness_session, result)
    if skipped:
        raise CheckSkipped(skipped)
    found = judge.findings(harness_session, result)
    if any(f.severity >= Severity.MEDIUM for f in found):
        raise judge.AcceptedWorkLost(*found)
    request.config.stash[REPORT_KEY].findings.extend(found)  # notes below the gate (work done twice)
    assert result.account is not None
    record_property("harness_note", account_line(result.account.to_dict()))
