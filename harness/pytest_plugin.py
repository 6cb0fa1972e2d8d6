"""The pytest plugin: a thin adapter from pytest to the harness.

It stays quiet in pytest runs that do not ask for it (``harness.pytest_suites``). Asked, it loads the
configuration once into ``config.stash``, provides the fixtures in ``fixtures/``, collects the bundled suites,
turns check outcomes into report records, and writes the report when a report directory is set. Its options,
derived from ``harness.options``, are ``--harness-*``, with the plain spelling (``--target``) as well where the
project has no option of that name. The checks themselves live in ``harness.checks``.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from harness.config import HarnessConfig, config_from_options
from harness.errors import HarnessError
from harness.faults.plan import parse_faults, plan_for
from harness.findings import NOT_APPLICABLE, CheckFailed, CheckSkipped
from harness.ledger.render import reliability_lines
from harness.option_parsers import add_to_pytest, given_by_pytest
from harness.options import PYTEST
from harness.pytest_suites import NOTHING_TESTED, SUITES, asked, nothing_tested, point_at_suites
from harness.redact import Redactor
from harness.report import CheckRecord, RunReport, write_run

if TYPE_CHECKING:
    from harness.session import Session

CONFIG_KEY = pytest.StashKey[HarnessConfig]()
PRESET_KEY = pytest.StashKey["Session"]()
REPORT_KEY = pytest.StashKey[RunReport]()
REDACTOR_KEY = pytest.StashKey[Redactor]()
NOTHING_KEY = pytest.StashKey[str]()

GROUP_HELP = (f"migration harness: --harness runs its suites, --oauth-test the OAuth suite alone, against the "
              f"project's [tool.harness] target (suites bundled with the harness in {SUITES}; exit codes: 0 "
              f"passed, 1 a check found a defect, 2 the harness could not run, 4 bad option or configuration, "
              f"5 nothing tested)")


@pytest.hookimpl(wrapper=True)
def pytest_load_initial_conftests(early_config: pytest.Config, parser: pytest.Parser,
                                  args: list[str]) -> Generator[None, None, None]:
    """The options are added once the project's own conftests have added theirs, so that a plain spelling
    (``--target``) the project already uses stays the project's, and ``--harness-target`` is the harness's."""
    yield
    group = parser.getgroup("harness", GROUP_HELP)
    group.addoption("--harness", action="store_true", dest="harness_all",
                    help="run every bundled suite (the OAuth suite included; the fault suite with --faults)")
    add_to_pytest(group, PYTEST, _taken(parser))


def _taken(parser: pytest.Parser) -> set[str]:
    """Option strings already registered (argparse keeps them in one table)."""
    return set(getattr(parser.optparser, "_option_string_actions", {}))


class PresetSession:
    """Registered by ``harness run``: hands pytest the configuration and the session the CLI opened,
    and keeps the run's report for the CLI's exit code."""

    def __init__(self, harness_config: HarnessConfig, session: Session, run_report: RunReport) -> None:
        self.harness_config = harness_config
        self.session = session
        self.report = run_report
        self.interrupted = False

    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        """pytest ends its session on Ctrl-C (or the CLI's SIGTERM) and returns: the run must stop too."""
        self.interrupted = excinfo.errisinstance(KeyboardInterrupt)


def _preset(config: pytest.Config) -> PresetSession | None:
    return next((p for p in config.pluginmanager.get_plugins() if isinstance(p, PresetSession)), None)


def _active(config: pytest.Config) -> bool:
    return CONFIG_KEY in config.stash


MARKERS = ("quick: part of the --quick smoke subset", "oauth: the OAuth suite (--oauth-test)",
           "security: the webhook security suite", "faults: the fault suite (--faults)",
           "check(id, subject): the check id and subject a scenario test reports under",
           "broker_only(broker, why): a property of one broker's feature; not applicable on the other")


def pytest_configure(config: pytest.Config) -> None:
    preset = _preset(config)
    if preset is None and not asked(config):
        return  # a guest: nothing registered, loaded or written in runs that do not ask for the harness
    for marker in MARKERS:
        config.addinivalue_line("markers", marker)
    if preset is not None:
        _stash(config, preset.harness_config, preset.report)
        config.stash[PRESET_KEY] = preset.session
        config.stash[REDACTOR_KEY].add(*preset.session.redactor.secrets)
        return
    point_at_suites(config)
    harness_config = _config_from_options(config)
    _stash(config, harness_config, RunReport(harness_config.run.target, harness_config.contract.fail_at,
                                             harness_config.contract.slo_p99_ms))


def _config_from_options(config: pytest.Config) -> HarnessConfig:
    given = given_by_pytest(config.option, PYTEST)
    if config.option.harness_all:
        given["oauth_test"] = True
    try:
        harness_config = config_from_options(config.rootpath, PYTEST, given, os.environ, parse_faults)
        plan_for(harness_config.run.quick, harness_config.run.fault_rate, harness_config.run.fault_seconds)
    except HarnessError as exc:
        raise pytest.UsageError(str(exc)) from None
    return harness_config


def _stash(config: pytest.Config, harness_config: HarnessConfig, run_report: RunReport) -> None:
    config.stash[CONFIG_KEY] = harness_config
    config.stash[REPORT_KEY] = run_report
    config.stash[REDACTOR_KEY] = Redactor()
    config.pluginmanager.import_plugin("harness.fixtures.session")
    config.pluginmanager.import_plugin("harness.fixtures.runs")
    config.pluginmanager.import_plugin("harness.fixtures.security")
    config.pluginmanager.import_plugin("harness.fixtures.oauth")


SUITE_ORDER = ("routing", "topology", "priority", "retries", "dead_letters", "acks", "results")


def _suite_rank(item: pytest.Item) -> int:
    suite = Path(str(item.fspath)).stem.removeprefix("test_")
    if suite == "faults":  # last of all: it restarts what the other suites rely on
        return len(SUITE_ORDER) + 1
    return SUITE_ORDER.index(suite) if suite in SUITE_ORDER else len(SUITE_ORDER)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not _active(config):
        return
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
    from harness.session_monday import oauth_skip_reason  # the emulator's imports, only in active runs

    if oauth_skip := oauth_skip_reason(run, os.environ):  # skipped here, no session is opened for them
        skip = pytest.mark.skip(reason=oauth_skip)
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
    if not _active(item.config) or not _is_check(item):
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
    if not _active(config) or _preset(config) or config.option.collectonly:  # harness run judges on its own
        return
    run_report = config.stash[REPORT_KEY]
    if config.option.harness_report_dir and run_report.checks:
        run_dir = config.stash[CONFIG_KEY].run.report_dir / (run_report.run_id or "pytest")
        write_run(run_report, run_dir, config.stash[REDACTOR_KEY])
    why = nothing_tested(run_report)
    if why is not None and exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        config.stash[NOTHING_KEY] = why
        session.exitstatus = NOTHING_TESTED


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    run_report = config.stash.get(REPORT_KEY, None)
    if NOTHING_KEY in config.stash:
        terminalreporter.write_line(f"harness: nothing was tested: {config.stash[NOTHING_KEY]}", red=True, bold=True)
        return
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
    if not _active(metafunc.config):
        return
    contract = metafunc.config.stash[CONFIG_KEY].contract
    if "contract_task" in metafunc.fixturenames:
        names = [t.name for t in contract.tasks]
        metafunc.parametrize("contract_task", names, ids=names)
    if "contract_queue" in metafunc.fixturenames:
        queues = list(contract.work_queues)  # the DLQ has its own check
        metafunc.parametrize("contract_queue", queues, ids=queues)
