"""Which runs the plugin serves, which bundled suites they collect, and "nothing tested is not a pass".

The plugin stays a guest: in a pytest run that names no suite and asks for none (``--harness``,
``--oauth-test``, ``--faults``), it registers nothing, opens nothing and writes nothing. Asked with no
test paths, it collects the suites bundled with the harness (the ``scenarios`` package) instead of the
project's own tests; asked beside test paths, it adds them.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from harness import scenarios
from harness.report import RunReport

SUITES = Path(scenarios.__file__).parent  # not resolved: in a checkout, harness/scenarios links to scenarios/
OAUTH_SUITE = SUITES / "test_oauth.py"
FAULT_SUITE = SUITES / "test_faults.py"
NOTHING_TESTED = pytest.ExitCode.NO_TESTS_COLLECTED  # 5: pytest's own "nothing ran"
COULD_NOT_RUN = pytest.ExitCode.INTERRUPTED  # 2: as ``harness run``'s "the harness could not run"


def asked(config: pytest.Config) -> bool:
    """The run asks for the harness: ``--harness``, ``--oauth-test``, ``--faults``, or a path inside the suites."""
    opt = config.option
    flags = (getattr(opt, "harness_all", False), getattr(opt, "harness_oauth_test", None),
             getattr(opt, "harness_faults", None) is not None)
    return any(flags) or any(_in_suites(config, arg) for arg in config.args)


def _in_suites(config: pytest.Config, arg: str) -> bool:
    path = Path(config.invocation_params.dir, arg.split("::")[0]).resolve()
    return path.is_relative_to(SUITES.resolve())


def wanted_suites(config: pytest.Config) -> list[Path]:
    """``--harness``: every suite; otherwise the suites the flags name (OAuth, faults)."""
    opt = config.option
    if getattr(opt, "harness_all", False):
        return [SUITES]
    wanted = [OAUTH_SUITE] if opt.harness_oauth_test else []
    return wanted + ([FAULT_SUITE] if opt.harness_faults is not None else [])


def point_at_suites(config: pytest.Config) -> None:
    """No paths given: the wanted suites instead of ``testpaths``; paths given: the suites beside them."""
    if any(_in_suites(config, arg) for arg in config.args):
        return
    suites = [str(p) for p in wanted_suites(config)]
    if config.args_source == pytest.Config.ArgsSource.ARGS:
        config.args = [*config.args, *suites]
    else:
        config.args = suites


def nothing_tested(report: RunReport) -> str | None:
    """Why nothing was tested, when no check passed, failed or errored; None when something was."""
    if any(c.status != "skipped" for c in report.checks):
        return None
    if not report.checks:
        return "no check was selected (the -k/-m expression or --quick left none)"
    reasons = Counter((c.reason or "skipped").splitlines()[0] for c in report.checks)
    reason, count = reasons.most_common(1)[0]
    also = f" (and {len(reasons) - 1} other reason(s))" if len(reasons) > 1 else ""
    return f"all {len(report.checks)} checks were skipped; {count} because {reason}{also}"
