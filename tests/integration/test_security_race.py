"""Copies of one delivery sent at the same moment: a check-then-record gap is seen, the reference passes.

``racy_dedup`` refuses Monday's retry (the sequential replay check passes) but enqueues copies that arrive
together; ``replays_twice`` enqueues every copy; ``reference`` records the delivery before it awaits anything.
"""

import subprocess
import sys

import pytest

from tests.conftest import ROOT, TARGETS

pytestmark = [pytest.mark.live, pytest.mark.slow]
PYTEST = [sys.executable, "-m", "pytest", "scenarios/test_webhook_security.py", "-q", "-p", "no:cacheprovider",
          "-k", "concurrent or replay", "--services", "external"]


def run_race(target: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PYTEST, "--target", target], cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("target,code,found", [
    ("reference", 0, ""),
    (str(TARGETS / "racy_dedup_target.py"), 1, "sent at the same moment were enqueued"),
    (str(TARGETS / "replays_twice_target.py"), 1, "sent at the same moment were enqueued 8 times"),
])
def test_concurrent_copies_enqueued_once(target: str, code: int, found: str) -> None:
    done = run_race(target)
    assert done.returncode == code, done.stdout[-2000:]
    assert found in done.stdout
    if "racy" in target:
        assert "1 failed, 1 passed" in done.stdout  # the sequential replay check cannot see it
