"""harness run's progress: plain lines off a terminal or under CI, a live panel in a terminal, a status
line whenever the screen was silent, pytest's own output replaced."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from rich.console import Console

from harness.progress import PlainProgress, broker_summary, make_progress
from harness.progress_plugin import label
from harness.progress_rich import RichProgress


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_when_not_a_tty_or_under_ci() -> None:
    assert isinstance(make_progress({}, io.StringIO()), PlainProgress)
    assert isinstance(make_progress({"CI": "true"}, Tty()), PlainProgress)
    assert isinstance(make_progress({"TERM": "xterm"}, Tty()), RichProgress)


def test_plain_lines_for_phases_checks_and_findings() -> None:
    out = io.StringIO()
    progress = PlainProgress(out)
    progress.redact = lambda text: text.replace("hunter2", "***")
    progress.phase("services", "run r1: starting")
    progress.checks_total(2)
    progress.check_done("routing.a", "passed", 0.1, [])
    progress.check_done("routing.b", "failed", 0.2, ["[critical] x: password hunter2 leaked"])
    lines = out.getvalue().splitlines()
    assert lines == ["harness: [services] run r1: starting", "harness: [checks] 2 checks to run",
                     "harness: [1/2] passed  routing.a (0.1 s)", "harness: [2/2] failed  routing.b (0.2 s)",
                     "harness:     [critical] x: password *** leaked"]


def test_a_silent_phase_repeats_its_status() -> None:
    out = io.StringIO()
    with PlainProgress(out, heartbeat_s=0.3) as progress:
        progress.phase("load", "open model, 200 req/s")
        progress.load(198.0, 1234.0, 4000)
        time.sleep(1.1)
    beats = [line for line in out.getvalue().splitlines() if line.startswith("harness: …")]
    assert beats and "load: 198 req/s, p99 1.23 ms, 4000 sent" in beats[-1]


def test_rich_panel_shows_checks_load_and_broker() -> None:
    progress = RichProgress(Tty())
    progress.state.phase, progress.state.total, progress.state.done = "checks", 40, 12
    progress.load(200.0, 900.0)
    progress.broker({"queues": {"webhooks": {"messages": 3}, "harness.tap.x": {"messages": 9}}, "consumers": 2,
                     "connections": 3, "memory_bytes": 2**27, "publish_rps": 5, "deliver_rps": 4})
    console = Console(file=io.StringIO(), width=120, record=True)
    console.print(progress.render())
    text = console.export_text()
    assert "12/40" in text and "p99 0.90 ms" in text and "broker 3 msgs in 1 queues" in text


def test_broker_summary_leaves_out_the_harness_mirrors() -> None:
    assert broker_summary(None) == ""
    assert broker_summary({"queues": {"harness.tap.q": {"messages": 5}}}).startswith("broker 0 msgs in 0 queues")


def test_labels_name_the_check() -> None:
    assert label("scenarios/test_routing.py::test_route_reaches_queue[a.b]") == "routing.route_reaches_queue[a.b]"


def test_plugin_replaces_pytest_output(tmp_path: Path) -> None:
    (tmp_path / "test_demo.py").write_text("def test_one():\n    print('noise')\n\ndef test_two():\n    assert 0\n")
    script = textwrap.dedent(f"""
        import io, sys, pytest
        from harness.findings import Severity
        from harness.progress import PlainProgress
        from harness.progress_plugin import ProgressPlugin
        from harness.report import RunReport
        progress = PlainProgress(sys.stdout)
        code = pytest.main([{str(tmp_path)!r}, "-p", "no:cacheprovider", "-q"],
                           plugins=[ProgressPlugin(progress, RunReport("t", Severity.HIGH, 5.0))])
        print("exit", int(code))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert done.stdout.splitlines() == ["harness: [checks] 2 checks to run",
                                        "harness: [1/2] passed  demo.one (0.0 s)",
                                        "harness: [2/2] failed  demo.two (0.0 s)", "exit 1"], done.stdout + done.stderr
