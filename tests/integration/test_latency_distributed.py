"""Distributed mode: a master and two worker processes; the merged histograms are the workers' sum."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import port_for
import pytest
from hdrh.histogram import HdrHistogram

from harness.load.phase import locust_base, locust_env
from harness.load.stats.histograms import CORRECTED, new_histogram
from tests.conftest import ROOT
from tests.integration._latency import LOCUSTFILE, target_session

pytestmark = [pytest.mark.live, pytest.mark.slow]


def _sum_of(encoded: list[str]) -> HdrHistogram:
    total = new_histogram()
    for payload in encoded:
        total.decode_and_add(payload.encode("ascii"))
    return total


def test_master_merges_two_workers_exactly(tmp_path: Path) -> None:
    port = port_for.select_random()
    with target_session("reference") as session:
        assert session.target.webhook_url is not None
        env, out = locust_env(session), tmp_path / "latency.json"
        master = subprocess.Popen(
            [*locust_base(), "-f", str(LOCUSTFILE), "--master", "--headless", "--expect-workers", "2",
             "--master-bind-host", "127.0.0.1", "--master-bind-port", str(port), "-u", "12", "-r", "12",
             "--rate", "60", "--run-time", "60s", "--warmup-s", "1", "--duration-s", "6",
             "--webhook-url", session.target.webhook_url, "--latency-json", str(out), "--only-summary"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=(tmp_path / "master.log").open("w"))
        workers = [subprocess.Popen([*locust_base(), "-f", str(LOCUSTFILE), "--worker", "--master-host",
                                     "127.0.0.1", "--master-port", str(port)], env=env, cwd=ROOT,
                                    stdout=subprocess.DEVNULL, stderr=(tmp_path / f"worker{i}.log").open("w"))
                   for i in range(2)]
        try:
            master.wait(timeout=120)
        finally:
            for process in [master, *workers]:
                process.terminate()
                process.wait(timeout=30)
    assert out.is_file(), (tmp_path / "master.log").read_text()[-3000:]
    summary = json.loads(out.read_text())
    per_worker = summary["workers"]
    assert len(per_worker) == 2 and summary["processes"] == 2
    counts = [w["webhook_to_queue_us"]["count"] for w in per_worker.values()]
    assert all(c > 100 for c in counts), counts  # each worker matched its own messages
    assert summary["webhook_to_queue_us"]["count"] == sum(counts)
    summed = _sum_of([w["hdr"][CORRECTED] for w in per_worker.values()])
    merged = _sum_of([summary["hdr"]])
    assert merged.get_total_count() == summed.get_total_count()
    for p in (50, 90, 99, 99.9, 100):
        assert merged.get_value_at_percentile(p) == summed.get_value_at_percentile(p)
    assert summary["sends"]["started"] == sum(w["counters"]["sent"] for w in per_worker.values())
    assert summary["cpu"]["processes"] == 2 and summary["cpu"]["generator_pct"] > 0  # each worker read its CPU
