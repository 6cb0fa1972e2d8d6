"""The Locust web UI shows the webhook-to-queue tab, live, in headless Chromium (Debian's package).

Set HARNESS_SAVE_SCREENSHOTS=1 to also refresh docs/locust-tab.png for the README.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import port_for
import pytest

from harness.load.phase import locust_base, locust_env
from harness.load.stats.webtab import TAB_KEY
from tests.conftest import ROOT
from tests.integration._latency import LOCUSTFILE, target_session

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.live, pytest.mark.slow, pytest.mark.browser,
              pytest.mark.skipif(CHROMIUM is None, reason="no chromium: apt-get install -y chromium (make browser)")]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


def _stats(port: int) -> dict[str, object]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats/requests", timeout=5) as answer:
        data: dict[str, object] = json.load(answer)
    return data


def _wait_for_samples(port: int, at_least: int, timeout_s: float = 60) -> dict[str, object]:
    deadline, last = time.monotonic() + timeout_s, {}
    while time.monotonic() < deadline:
        try:
            last = _stats(port)
            rows = last.get("extended_stats") or []
            data = rows[0]["data"] if rows else []  # type: ignore[index]
            if data and int(data[1]["count"]) >= at_least:
                return last
        except OSError:
            pass
        time.sleep(1)
    raise AssertionError(f"the tab never showed {at_least} samples: {str(last)[:500]}")


def _chromium(url: str, profile: Path, *args: str) -> str:
    assert CHROMIUM is not None
    done = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--window-size=1400,760",
                           "--virtual-time-budget=4000", *args, url], capture_output=True, text=True, timeout=90,
                          check=False)
    return done.stdout


def _intended_row(text: str) -> re.Match[str] | None:
    """Sample count, p50, p90 and p99 (ms, three decimals) of the row counted from the intended time."""
    return re.search(r"from intended time\s+(\d+)\s+(\d+\.\d{3})\s+(\d+\.\d{3})\s+(\d+\.\d{3})", text)


def test_the_tab_shows_hdr_percentiles_against_slo_and_floor(tmp_path: Path) -> None:
    port = port_for.select_random()
    with target_session("reference") as session:
        assert session.target.webhook_url is not None
        command = [*locust_base(), "-f", str(LOCUSTFILE), "--autostart", "--web-host", "127.0.0.1",
                   "--web-port", str(port), "-u", "10", "-r", "10", "--rate", "40", "--run-time", "90s",
                   "--warmup-s", "1", "--webhook-url", session.target.webhook_url]
        locust = subprocess.Popen(command, env=locust_env(session), cwd=ROOT, stdout=subprocess.DEVNULL,
                                  stderr=(tmp_path / "locust.log").open("w"))
        try:
            stats = _wait_for_samples(port, at_least=100)
            url = f"http://127.0.0.1:{port}/?tab={TAB_KEY}"
            dom = _chromium(url, tmp_path / "profile-dom", "--dump-dom")
            _chromium(url, tmp_path / "profile-shot", f"--screenshot={tmp_path / 'locust-tab.png'}")
            later = _chromium(url, tmp_path / "profile-later", "--dump-dom")
        finally:
            locust.terminate()
            locust.wait(timeout=60)
    text = re.sub(r"<[^>]+>", " ", dom)
    for label in ("WEBHOOK → QUEUE (HDR)", "1. Verdict", "2. webhook → queue, from intended time",
                  "4. floor: publish → queue", "SLO p99 ≤ 5 ms"):
        assert label.lower() in text.lower(), label
    figures = _intended_row(text)
    assert figures is not None and int(figures[1]) >= 100, text[:3000]
    refreshed = _intended_row(re.sub(r"<[^>]+>", " ", later))
    assert refreshed is not None and int(refreshed[1]) > int(figures[1])  # the tab follows the run live
    row = next(s for s in stats["stats"] if s["name"] == "webhook → queue")  # type: ignore[attr-defined]
    shown = [row["median_response_time"], row["response_time_percentile_0.95"], row["response_time_percentile_0.99"]]
    under_10ms = [value for value in shown if value < 10]
    assert not under_10ms or any(value != int(value) for value in under_10ms), shown  # not whole ms
    assert (tmp_path / "locust-tab.png").stat().st_size > 10_000
    if os.environ.get("HARNESS_SAVE_SCREENSHOTS"):
        (ROOT / "docs").mkdir(exist_ok=True)
        shutil.copy(tmp_path / "locust-tab.png", ROOT / "docs" / "locust-tab.png")
