"""The gate runs the webhook-security and OAuth tests judge, made once per test session and in parallel.

Each run is ``harness run --quick --no-load --services external`` restricted (``-- -k``) to the two suites,
so its report holds their checks and the load phase's, reported as skipped. Running them concurrently keeps
these tests near one minute and a half on a loaded 2-core machine; the timing check is built to stay correct
under such noise (it widens its interval rather than report a leak). Under pytest-xdist the test processes
share the runs (``_shared.made_once``).
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path

from tests.conftest import TARGETS, HarnessRun, run_harness
from tests.integration._shared import made_once

SUITES = "webhook_security or oauth"
FAULTY = ("skips_verification", "accepts_unsigned", "accepts_unsigned_gzip", "reads_any_size", "replays_twice",
          "timing_leak")
BUNDLED = ("reference", "seed")
_lock = threading.Lock()
_runs: dict[str, Future[HarnessRun]] = {}


def _command(name: str) -> list[str]:
    target = name if name in BUNDLED else str(TARGETS / f"{name}_target.py")
    oauth = ["--oauth-test"] if name in BUNDLED else []
    return ["run", "--target", target, "--quick", "--no-load", "--services", "external", *oauth, "--", "-k", SUITES]


def _made_once(name: str) -> HarnessRun:
    """The run against ``name``, made by whichever test process asks first."""
    def make(folder: Path) -> dict[str, object]:
        run = run_harness(*_command(name), report_dir=folder, timeout=420)
        return {**asdict(run), "report_dir": str(run.report_dir)}
    saved = made_once(f"gate-{name}", make)
    return HarnessRun(saved["code"], saved["stdout"], saved["stderr"], Path(saved["report_dir"]))


def _start_all() -> None:
    pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="gate-run")
    for name in (*BUNDLED, *FAULTY):
        _runs[name] = pool.submit(_made_once, name)
    pool.shutdown(wait=False)


def gate_run(name: str) -> HarnessRun:
    """The finished run against ``name`` (reference, seed, or a faulty target's short name)."""
    with _lock:
        if not _runs:
            _start_all()
    return _runs[name].result()


def findings(run: HarnessRun, *prefixes: str) -> list[dict[str, object]]:
    """The run's findings from the given check families (the load phase's are left out)."""
    return [f for f in run.findings() if str(f["check"]).startswith(prefixes)]


def checks(run: HarnessRun, prefix: str) -> list[dict[str, object]]:
    return [c for c in run.report["checks"] if str(c["id"]).startswith(prefix)]
