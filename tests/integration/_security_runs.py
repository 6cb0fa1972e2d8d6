"""The gate runs the webhook-security and OAuth tests judge, made once per test session and in parallel.

Each run is ``harness run --quick --services external`` restricted (``-- -k``) to the two suites, so
the only other checks in its report are the load phase's. Running them concurrently keeps these tests
near one minute and a half on a loaded 2-core machine; the timing check is built to stay correct under
such noise (it widens its interval rather than report a leak).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from tests.conftest import TARGETS, HarnessRun, run_harness

SUITES = "webhook_security or oauth"
FAULTY = ("skips_verification", "accepts_unsigned", "accepts_unsigned_gzip", "reads_any_size", "replays_twice",
          "timing_leak")
BUNDLED = ("reference", "seed")
_lock = threading.Lock()
_runs: dict[str, Future[HarnessRun]] = {}


def _command(name: str) -> list[str]:
    target = name if name in BUNDLED else str(TARGETS / f"{name}_target.py")
    oauth = ["--oauth-test"] if name in BUNDLED else []
    return ["run", "--target", target, "--quick", "--services", "external", *oauth, "--", "-k", SUITES]


def _start_all() -> None:
    base = Path(tempfile.mkdtemp(prefix="harness-security-runs-"))
    atexit.register(shutil.rmtree, base, ignore_errors=True)
    pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="gate-run")
    for name in (*BUNDLED, *FAULTY):
        _runs[name] = pool.submit(run_harness, *_command(name), report_dir=base / name, timeout=420)
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
