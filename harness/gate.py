"""``harness run``: open a session, run the scenario suites through pytest, map the verdict to an exit code."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

import scenarios
from harness.config import HarnessConfig
from harness.errors import HarnessError
from harness.pytest_plugin import PresetSession
from harness.report import RunReport, write_run
from harness.session import new_run_id, open_session

EXIT_PASS, EXIT_FAIL, EXIT_CANNOT_RUN = 0, 1, 2
SCENARIOS = Path(scenarios.__file__).resolve().parent


def pytest_args(config: HarnessConfig, extra: list[str]) -> list[str]:
    args = [str(SCENARIOS), "-p", "no:cacheprovider", "-q", "-rs", "--no-header", "--tb=no",
            "-W", "ignore::pytest.PytestAssertRewriteWarning",
            "--rootdir", str(Path.cwd()), "--target", config.run.target]
    args += ["--quick"] if config.run.quick else []
    args += ["--oauth-test"] if config.run.oauth_test else []
    return args + extra


def run_gate(config: HarnessConfig, extra: list[str], inherited_env: Mapping[str, str]) -> int:
    run_id = new_run_id()
    run_dir = config.run.report_dir / run_id
    report = RunReport(config.run.target, config.contract.fail_at, config.contract.slo_p99_ms, run_id)
    with open_session(config, Path.cwd(), inherited_env, run_id, run_dir / "logs") as session:
        report.services, report.target_runtime = session.describe()
        print(f"harness: services {session.services.backend}, target {session.spec.name}, run {run_id}",
              flush=True)
        code = pytest.main(pytest_args(config, extra), plugins=[PresetSession(config, session, report)])
        write_run(report, run_dir, session.redactor)
    return exit_code(int(code), report, run_dir)


def exit_code(pytest_code: int, report: RunReport, run_dir: Path) -> int:
    if pytest_code not in (0, 1):
        raise HarnessError(f"the scenario suites could not run (pytest exit code {pytest_code})")
    if not report.checks:
        raise HarnessError("no check ran")
    print(f"harness: verdict {report.verdict}; report {run_dir / 'report.json'}", file=sys.stderr)
    return EXIT_PASS if report.verdict == "pass" else EXIT_FAIL
