"""The pytest plugin: a thin adapter from pytest to the harness.

It adds the ``harness`` option group, loads the configuration once into ``config.stash``, provides
the fixtures in ``fixtures/``, turns check outcomes into report records, and writes the report when a
report directory is set. The checks themselves live in ``harness.checks``.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from harness.config import (
    BROKERS,
    DEFAULT_TIME_SCALE,
    HarnessConfig,
    RunOptions,
    load_config,
    services_from_env,
)
from harness.errors import HarnessError
from harness.faults.plan import parse_faults, plan_for
from harness.findings import NOT_APPLICABLE, CheckFailed, CheckSkipped
from harness.ledger.render import reliability_lines
from harness.redact import Redactor
from harness.report import CheckRecord, RunReport, write_run
from harness.target_settings import parse_assignments

if TYPE_CHECKING:
    from harness.session import Session

CONFIG_KEY = pytest.StashKey[HarnessConfig]()
PRESET_KEY = pytest.StashKey["Session"]()
REPORT_KEY = pytest.StashKey[RunReport]()
REDACTOR_KEY = pytest.StashKey[Redactor]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("harness", "migration harness")
    group.addoption("--target", default="",
                    help="reference, seed, a module or a .py file (default: the project's [target], else reference)")
    group.addoption("--celery-app", default=None, help="the target's Celery app as module:attr")
    group.addoption("--webhook-app", default=None, help="the target's ASGI webhook app as module:attr")
    group.addoption("--webhook-url", default=None, help="an already running webhook base URL")
    group.addoption("--target-python", default=None, help="interpreter that runs the target's processes")
    group.addoption("--target-env", action="append", default=[], metavar="KEY=VALUE",
                    help="a setting for the target's processes (repeatable)")
    group.addoption("--target-env-file", default=None, metavar="PATH", help="the target's .env file")
    group.addoption("--pass-env", action="append", default=[], metavar="NAME",
                    help="pass this variable of pytest's environment to the target (repeatable)")
    group.addoption("--task-bodies", default="stub", choices=("stub", "real"))
    group.addoption("--time-scale", type=float, default=DEFAULT_TIME_SCALE,
                    help="compress retry countdowns in live checks by this factor")
    group.addoption("--broker", default="rabbitmq", choices=BROKERS,
                    help="the target's Celery broker (checks of RabbitMQ-only features are n/a on redis)")
    group.addoption("--services", default="auto", choices=("auto", "docker", "local", "external"))
    group.addoption("--quick", action="store_true", help="smoke subset, under a minute")
    group.addoption("--oauth-test", action="store_true", help="add the OAuth suite")
    group.addoption("--monday-live", action="store_true",
                    help="with --oauth-test: against Monday itself (needs the MONDAY_LIVE_* variables)")
    group.addoption("--report-dir", default=None, help="write report.json and junit.xml under this folder")
    group.addoption("--faults", nargs="?", const="all", default=None, metavar="LIST",
                    help="add the fault suite: all, or some of worker_kill, broker_restart, broker_crash, "
                         "connections_closed, database_restart, database_unreachable, webhook_restart, mixed")
    group.addoption("--fault-rate", type=float, default=None, help="webhooks/s during each fault scenario")
    group.addoption("--fault-seconds", type=float, default=None, help="seconds of load in each fault scenario")


class PresetSession:
    """Registered by ``harness run``: hands pytest the configuration and the session the CLI opened,
    and keeps the run's report for the CLI's exit code."""

    def __init__(self, harness_config: HarnessConfig, session: Session, run_report: RunReport) -> None:
        self.harness_config = harness_config
        self.session = session
        self.report = run_report


def _preset(config: pytest.Config) -> PresetSession | None:
    return next((p for p in config.pluginmanager.get_plugins() if isinstance(p, PresetSession)), None)


def pytest_configure(config: pytest.Config) -> None:
    for marker in ("quick: part of the --quick smoke subset", "oauth: the OAuth suite (--oauth-test)",
                   "security: the webhook security suite", "faults: the fault suite (--faults)",
                   "check(id, subject): the check id and subject a scenario test reports under",
                   "broker_only(broker, why): a property of one broker's feature; not applicable on the other"):
        config.addinivalue_line("markers", marker)
    preset = _preset(config)
    if preset is not None:
        _stash(config, preset.harness_config, preset.report)
        config.stash[PRESET_KEY] = preset.session
        config.stash[REDACTOR_KEY].add(*preset.session.redactor.secrets)
        return
    opt = config.option
    try:
        run = RunOptions(target=opt.target, broker=opt.broker, celery_app=opt.celery_app, webhook_app=opt.webhook_app,
                         webhook_url=opt.webhook_url, target_python=opt.target_python, task_bodies=opt.task_bodies,
                         time_scale=opt.time_scale, quick=opt.quick, oauth_test=opt.oauth_test,
                         monday_live=opt.monday_live,
                         report_dir=Path(opt.report_dir or "reports"), faults=parse_faults(opt.faults),
                         fault_rate=opt.fault_rate, fault_seconds=opt.fault_seconds,
                         target_env=parse_assignments(opt.target_env), target_env_file=opt.target_env_file,
                         pass_env=tuple(opt.pass_env))
        plan_for(run.quick, run.fault_rate, run.fault_seconds)
        harness_config = load_config(config.rootpath, services_from_env(os.environ, opt.services), run)
    except HarnessError as exc:
        raise pytest.UsageError(str(exc)) from None
    _stash(config, harness_config, RunReport(harness_config.run.target, harness_config.contract.fail_at,
                                             harness_config.contract.slo_p99_ms))


def _stash(config: pytest.Config, harness_config: HarnessConfig, run_report: RunReport) -> None:
    config.stash[CONFIG_KEY] = harness_config
    config.stash[REPORT_KEY] = run_report
    config.stash[REDACTOR_KEY] = Redactor()
    config.pluginmanager.import_plugin("fixtures.session")
    config.pluginmanager.import_plugin("fixtures.runs")
    config.pluginmanager.import_plugin("fixtures.security")
    config.pluginmanager.import_plugin("fixtures.oauth")


SUITE_ORDER = ("routing", "topology", "priority", "retries", "dead_letters", "acks", "results")


def _suite_rank(item: pytest.Item) -> int:
    suite = Path(str(item.fspath)).stem.removeprefix("test_")
    if suite == "faults":  # last of all: it restarts what the other suites rely on
        return len(SUITE_ORDER) + 1
    return SUITE_ORDER.index(suite) if suite in SUITE_ORDER else len(SUITE_ORDER)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=_suite_rank)  # results are judged last, after every other suite published its work
    run = config.stash[CONFIG_KEY].run
    if run.quick:
        kept = [i for i in items if i.get_closest_marker("quick") or not _is_check(i)
                or (run.oauth_test and i.get_closest_marker("oauth"))  # asked for explicitly
                or (run.faults and i.get_closest_marker("faults"))]
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept
    mark_not_applicable(items, run.broker)
    if not run.faults:
        skip_faults = pytest.mark.skip(reason="the fault suite runs only with --faults")
        for item in items:
            if item.get_closest_marker("faults"):
                item.add_marker(skip_faults)
    if not run.oauth_test:
        skip = pytest.mark.skip(reason="the OAuth suite runs only with --oauth-test")
        for item in items:
            if item.get_closest_marker("oauth"):
                item.add_marker(skip)


def mark_not_applicable(items: list[pytest.Item], broker: str) -> None:
    """Skip checks of another broker's features with the reason, which the A/B report shows as n/a."""
    for item in items:
        marker = item.get_closest_marker("broker_only")
        if marker is not None and marker.args[0] != broker:
            why = marker.args[1] if len(marker.args) > 1 else f"a {marker.args[0]} feature"
            item.add_marker(pytest.mark.skip(reason=f"{NOT_APPLICABLE} {broker}: {why}"))


def _is_check(item: pytest.Item) -> bool:
    return "harness_session" in getattr(item, "fixturenames", ())


def check_identity(item: pytest.Item) -> tuple[str, str]:
    """(check id, subject) for a scenario test: from its ``check`` marker, or its module and name."""
    marker = item.get_closest_marker("check")
    module = Path(str(item.fspath)).stem.removeprefix("test_")
    name = getattr(item, "originalname", item.name).removeprefix("test_")
    check_id = marker.args[0] if marker and marker.args else f"{module}.{name}"
    callspec = getattr(item, "callspec", None)
    subject = (marker.kwargs.get("subject") if marker else None) or (callspec.id if callspec else "")
    return check_id, item.config.stash[CONFIG_KEY].contract.project_name(subject) or "target"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report = yield
    if not _is_check(item):
        return report
    excinfo = call.excinfo
    if excinfo is not None and isinstance(excinfo.value, CheckSkipped):
        report.outcome = "skipped"
        report.longrepr = (str(item.fspath), item.location[1] or 0, f"Skipped: {excinfo.value}")
    if call.when == "call" or report.outcome != "passed":
        _record(item, call, report)
    return report


def _record(item: pytest.Item, call: pytest.CallInfo[None], report: pytest.TestReport) -> None:
    check_id, subject = check_identity(item)
    run_report = item.config.stash[REPORT_KEY]
    exc = call.excinfo.value if call.excinfo else None
    if report.skipped:
        reason = str(exc) if exc is not None else "skipped"
        if isinstance(report.longrepr, tuple):
            reason = str(report.longrepr[2]).removeprefix("Skipped: ")
        run_report.add(CheckRecord(check_id, subject, "skipped", report.duration, reason))
    elif isinstance(exc, CheckFailed):
        run_report.add(CheckRecord(check_id, subject, "failed", report.duration), exc.findings)
    elif report.failed:
        reason = f"{type(exc).__name__}: {exc}" if exc is not None else "failed"
        run_report.add(CheckRecord(check_id, subject, "error", report.duration, reason.splitlines()[0][:300]))
    else:
        note = dict(report.user_properties).get("harness_note")  # figures a passing check wants shown
        run_report.add(CheckRecord(check_id, subject, "passed", report.duration, str(note) if note else None))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    run_report = config.stash[REPORT_KEY]
    report_dir = config.stash[CONFIG_KEY].run.report_dir
    if config.option.report_dir and not _preset(config) and run_report.checks:
        run_dir = report_dir / (run_report.run_id or "pytest")
        write_run(run_report, run_dir, config.stash[REDACTOR_KEY])


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    run_report = config.stash.get(REPORT_KEY, None)
    if run_report is None or not run_report.checks:
        return
    terminalreporter.section("harness verdict")
    for finding in sorted(run_report.findings, key=lambda f: -f.severity):
        terminalreporter.write_line(config.stash[REDACTOR_KEY](
            f"[{finding.severity}] {finding.subject}: {finding.title}"))
    for line in reliability_lines(run_report.reliability):
        terminalreporter.write_line(line)
    terminalreporter.write_line(f"verdict: {run_report.verdict} ({len(run_report.checks)} checks)")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``contract_task`` and ``contract_queue`` from the contract, so subjects are names."""
    contract = metafunc.config.stash[CONFIG_KEY].contract
    if "contract_task" in metafunc.fixturenames:
        names = [t.name for t in contract.tasks]
        metafunc.parametrize("contract_task", names, ids=names)
    if "contract_queue" in metafunc.fixturenames:
        queues = list(contract.work_queues)  # the DLQ has its own check
        metafunc.parametrize("contract_queue", queues, ids=queues)
