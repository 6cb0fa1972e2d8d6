"""The latency figures are honest: failures are not hidden behind survivors, and measured shifts are real.

Each test starts its targets on the external services (RabbitMQ guest/guest on 127.0.0.1, PostgreSQL)
and runs Locust headless against them, as ``harness run`` does.
"""

from __future__ import annotations

import threading
from contextlib import ExitStack
from pathlib import Path

import pytest

from harness.load.summary import EXIT_LATENCY_GATE
from tests.integration._latency import LoadRun, load, target_session

pytestmark = [pytest.mark.live, pytest.mark.slow]


def test_a_target_answering_500_yields_failures_not_a_figure(tmp_path: Path) -> None:
    with target_session("http_500") as session:
        run = load(session, tmp_path, rate=40, seconds=3)
    summary = run.summary
    assert run.code == 1, run.output[-2000:]  # Locust's "requests failed", not the latency gate's code
    assert summary["webhook_to_queue_us"]["count"] == 0 and summary["webhook_to_queue_us"]["p99"] is None
    assert summary["failures"]["http"]["500"] == summary["sends"]["started"] > 50
    assert summary["verdict"] == "fail" and "HTTP 500" in " ".join(summary["reasons"])


def test_a_target_that_never_publishes_loses_every_message(tmp_path: Path) -> None:
    with target_session("never_publishes") as session:
        run = load(session, tmp_path, rate=40, seconds=3, extra=["--deadline-s", "1"])
    summary = run.summary
    assert run.code == EXIT_LATENCY_GATE, run.output[-2000:]
    assert summary["webhook_to_queue_us"]["p99"] is None
    assert summary["failures"]["lost"] == summary["sends"]["accepted"] == summary["sends"]["started"] > 50


def _in_parallel(runs: dict[str, LoadRun], jobs: dict[str, object]) -> None:
    threads = [threading.Thread(target=lambda name=name, job=job: runs.__setitem__(name, job()))  # type: ignore
               for name, job in jobs.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)


def test_a_known_3ms_delay_shifts_p50_by_3ms(tmp_path: Path) -> None:
    """Reference and a copy that sleeps 3 ms before publishing, loaded side by side (same noise)."""
    runs: dict[str, LoadRun] = {}
    with ExitStack() as stack:
        reference = stack.enter_context(target_session("reference"))
        slow = stack.enter_context(target_session("sleep_3ms"))
        _in_parallel(runs, {name: (lambda s=s, name=name: load(s, tmp_path / name, rate=40, seconds=6))
                            for name, s in (("reference", reference), ("slow", slow))})
    ref, slowed = runs["reference"].summary, runs["slow"].summary
    assert ref["webhook_to_queue_us"]["count"] > 150 and slowed["webhook_to_queue_us"]["count"] > 150
    shift_us = slowed["webhook_to_queue_us"]["p50"] - ref["webhook_to_queue_us"]["p50"]
    assert 2500 <= shift_us <= 3500, (ref["webhook_to_queue_us"], slowed["webhook_to_queue_us"])


def test_a_stall_shows_in_corrected_p99_not_in_uncorrected(tmp_path: Path) -> None:
    """200 ms stalls once a second, one connection: only the corrected figures see the sends held back."""
    with target_session("stall_200ms") as session:
        run = load(session, tmp_path, rate=120, seconds=6, users=1)
    summary = run.summary
    corrected, uncorrected = summary["webhook_to_queue_us"], summary["webhook_to_queue_uncorrected_us"]
    assert corrected["count"] > 500 and summary["sends"]["late"] > 50
    assert corrected["p99"] >= 10 * uncorrected["p99"], (corrected, uncorrected)
    assert corrected["p99"] >= 150_000
    assert run.code == EXIT_LATENCY_GATE
