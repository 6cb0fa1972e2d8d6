"""After any run, nothing the run started is left: processes, vhosts, databases, temp folders.

Here: runs that were interrupted. Finished runs are checked where they are made: test_gate_routing (a passing
and a failing run on external servers), test_faulty_targets (a passing run on local servers), the fault tests
(runs whose servers went down)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
from collections.abc import Iterable
from itertools import islice

import pytest

from tests.conftest import HARNESS, ROOT, interruptible
from tests.leftovers import CLEAN, run_id_in, settled

pytestmark = [pytest.mark.live, pytest.mark.slow]
CHECK_DONE = re.compile(r"\[\d+/\d+\] (passed|failed|skipped|error)")


def first_finished_check(lines: Iterable[str], at_most: int = 400) -> str | None:
    for line in islice(lines, at_most):
        if CHECK_DONE.search(line):
            return line
    return None


# Ctrl-C in a terminal reaches the whole foreground group; a CI timeout or `kill` sends SIGTERM to the
# harness alone, which must then stop what it started itself.
@pytest.mark.parametrize("sig,whole_group", [(signal.SIGINT, True), (signal.SIGTERM, False)], ids=["ctrl_c", "sigterm"])
def test_interrupted_run_leaves_nothing(tmp_path, sig: signal.Signals, whole_group: bool) -> None:
    proc = subprocess.Popen([HARNESS, "run", "--target", "seed", "--services", "external",
                             "--report-dir", str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=interruptible)
    assert proc.stdout is not None
    first = proc.stdout.readline()  # printed once services and target are up
    run_id = run_id_in(first)
    # signalled while the suites run under pytest, which catches the interrupt itself
    assert first_finished_check(proc.stdout) is not None, "no check finished"
    if whole_group:
        os.killpg(proc.pid, sig)
    else:
        proc.send_signal(sig)
    _out, err = proc.communicate(timeout=180)
    assert proc.returncode != 0
    assert "Traceback" not in err
    assert "[load]" not in _out + err, err[-2000:]  # the interrupt ends the run: no phase starts after it
    assert settled(run_id) == CLEAN
