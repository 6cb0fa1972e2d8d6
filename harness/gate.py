"""``harness run``: open a session, run the scenario suites through pytest, map the verdict to an exit code."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

from harness import scenarios
from harness.config import HarnessConfig
from harness.errors import HarnessError
from harness.launch.spec import TargetSpec
from harness.ledger.render import reliability_lines
from harness.load.phase import P99_CHECK, add_load_phase
from harness.probes.sampler import BrokerStats, Sampler
from harness.progress import Progress, make_progress
from harness.progress_plugin import ProgressPlugin
from harness.pytest_plugin import PresetSession
from harness.report import CheckRecord, RunReport, write_run
from harness.report.causes import cause_lines, group_causes
from harness.services.base import Services
from harness.session import Session, new_run_id, open_session

EXIT_PASS, EXIT_FAIL, EXIT_CANNOT_RUN = 0, 1, 2
SCENARIOS = Path(scenarios.__file__).resolve().parent


def pytest_args(config: HarnessConfig, extra: list[str]) -> list[str]:
    args = [str(SCENARIOS), "-p", "no:cacheprovider", "-q", "-rs", "--no-header", "--tb=no",
            "-W", "ignore::pytest.PytestAssertRewriteWarning",
            "--rootdir", str(Path.cwd()), "--harness-target", config.run.target]
    args += ["--harness-quick"] if config.run.quick else []
    args += ["--harness-oauth-test"] if config.run.oauth_test else []
    args += ["--harness-monday-live"] if config.run.monday_live else []
    return args + extra


def run_gate(config: HarnessConfig, extra: list[str], inherited_env: Mapping[str, str]) -> int:
    run_id = new_run_id()
    run_dir = config.run.report_dir / run_id
    code, report = gate_run(config, extra, inherited_env, run_id, run_dir)
    return exit_code(code, report, run_dir)


def gate_run(config: HarnessConfig, extra: list[str], inherited_env: Mapping[str, str], run_id: str,
             run_dir: Path, provided: Services | None = None, latest: bool = True) -> tuple[int, RunReport]:
    """One gate: a session, the suites, the load phase, the report files; (pytest's code, the report)."""
    with make_progress(inherited_env) as progress:
        progress.phase("services", f"run {run_id}: starting {config.services.backend} services, "
                                   f"then target {given_target(config)} on {config.run.broker}")
        with open_session(config, Path.cwd(), inherited_env, run_id, run_dir / "logs", provided) as session:
            report = new_report(config, session.spec, run_id)
            progress.redact = session.redactor
            report.services, report.target_runtime = session.describe()
            progress.line(f"services {session.services.backend}, broker {session.broker_kind}, "
                          f"target {session.spec.name}, run {run_id}")
            if "cluster" in report.services:
                progress.line(f"cluster: {report.services['cluster']}")
            progress.phase("checks", "collecting the scenario suites")
            code = run_checks(config, extra, session, report, progress)
            if config.run.load:
                run_load(session, report, run_dir, progress)
            else:
                skip_load(session, report)
            write_run(report, run_dir, session.redactor, latest)
        summarize(report, progress)
    return code, report


def given_target(config: HarnessConfig) -> str:
    """The target as the user gave it, before it is resolved: the Celery app reference when there is one."""
    return config.run.celery_app or config.run.target


def new_report(config: HarnessConfig, spec: TargetSpec, run_id: str) -> RunReport:
    """The run's report, named after the resolved target (``--celery-app mod:attr``, a module, a file)."""
    return RunReport(spec.name, config.contract.fail_at, config.contract.slo_p99_ms, run_id)


def run_checks(config: HarnessConfig, extra: list[str], session: Session, report: RunReport,
               progress: Progress) -> int:
    """The scenario suites under pytest, with the broker sampled into ``report.timeline`` meanwhile."""
    preset = PresetSession(config, session, report)
    with sampling(session, progress) as sampler:
        code = pytest.main(pytest_args(config, extra), plugins=[preset, ProgressPlugin(progress, report)])
    report.timeline = sampler.samples() if sampler else []
    if preset.interrupted:  # pytest swallowed the interrupt; the load phase and the report must not follow
        raise KeyboardInterrupt
    return int(code)


def run_load(session: Session, report: RunReport, run_dir: Path, progress: Progress) -> None:
    """The load phase (``harness.load.phase``): Locust against the target, the broker sampled meanwhile."""
    progress.phase("load", "webhook-to-queue latency under load (Locust, open model)")
    with sampling(session, progress) as sampler:
        add_load_phase(report, session, run_dir, SCENARIOS / "locust_webhook.py", progress.load)
    report.timeline = [*report.timeline, *(sampler.samples() if sampler else [])]


def skip_load(session: Session, report: RunReport) -> None:
    report.add(CheckRecord(P99_CHECK, "POST " + session.config.contract.webhook.path, "skipped", 0.0,
                           "the load phase was left out (--no-load)"))


@contextmanager
def sampling(session: Session, progress: Progress) -> Iterator[Sampler | None]:
    """Queue depths, rates, connections, consumers and memory of the run's vhost, about once a second."""
    if session.broker_kind != "rabbitmq":  # the management API sees nothing of a Redis broker
        yield None
        return
    broker = session.services.broker
    api = BrokerStats(broker.management_url, broker.user, broker.password, timeout_s=3)
    try:
        with Sampler(api, session.vhost, interval_s=1.0, on_sample=progress.broker) as sampler:
            yield sampler
    finally:
        api.close()


def summarize(report: RunReport, progress: Progress) -> None:
    counts = ", ".join(f"{n} {s}" for s in ("passed", "failed", "error", "skipped")
                       if (n := sum(c.status == s for c in report.checks)))
    progress.phase("verdict", f"{report.headline}: {len(report.checks)} checks ({counts}), "
                              f"{len(report.findings)} findings")
    for line in cause_lines(group_causes(sorted(report.findings, key=lambda f: -f.severity))):
        progress.line(f"    {line}")
    for line in reliability_lines(report.reliability):  # the fault phase's account, when it ran
        progress.line(f"    {line}")


def exit_code(pytest_code: int, report: RunReport, run_dir: Path) -> int:
    if pytest_code not in (0, 1):
        raise HarnessError(f"the scenario suites could not run (pytest exit code {pytest_code})")
    if not report.checks:
        raise HarnessError("no check ran")
    print(f"harness: verdict {report.headline}; report {run_dir / 'report.json'}", file=sys.stderr)
    return EXIT_PASS if report.verdict == "pass" else EXIT_FAIL
