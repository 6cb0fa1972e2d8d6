"""CPU shares of a load process's measured window, and what they say about the figures."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import time

from harness.load.stats import webtab
from harness.load.stats.cpu import GENERATOR_BUSY_PCT, MACHINE_BUSY_PCT, CpuMeter, busiest, cpu_notes, instrument_cost
from harness.load.stats.histograms import CORRECTED, FLOOR, LatencyBook
from harness.load.stats.summary import RunFacts, judge, summarize

QUIET = {"cores": 2, "seconds": 30.0, "machine_busy_pct": 40.0, "generator_pct": 20.0, "tap_pct": 8.0}


def _spin(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_the_meter_counts_its_own_process_and_not_an_idle_tap() -> None:
    idle = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(5)"])
    try:
        meter = CpuMeter(idle.pid)
        assert meter.reading() is None and not meter.started
        meter.start()
        _spin(0.3)
        reading = meter.reading()
    finally:
        idle.kill()
        idle.wait()
    assert reading is not None and reading["cores"] >= 1
    assert reading["generator_pct"] > 10 and reading["tap_pct"] < reading["generator_pct"]
    assert 0 < reading["machine_busy_pct"] <= 100


def test_a_tap_that_is_gone_reads_as_nothing() -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    meter = CpuMeter(gone.pid)
    meter.start()
    _spin(0.1)
    reading = meter.reading()
    assert reading is not None and reading["tap_pct"] == 0


def test_the_busiest_process_speaks_for_the_run() -> None:
    hot = {**QUIET, "generator_pct": 85.0}
    merged = busiest([QUIET, None, hot])
    assert merged is not None and merged["generator_pct"] == 85.0 and merged["processes"] == 2
    assert busiest([None]) is None


def test_quiet_readings_say_nothing_and_busy_ones_say_why() -> None:
    assert cpu_notes(QUIET) == [] and cpu_notes(None) == []
    busy = cpu_notes({**QUIET, "machine_busy_pct": MACHINE_BUSY_PCT + 1, "generator_pct": GENERATOR_BUSY_PCT + 1})
    assert len(busy) == 2 and "waiting for a CPU" in busy[0] and "--processes" in busy[1]


def test_an_inconclusive_verdict_names_how_busy_the_machine_was() -> None:
    book = LatencyBook()
    for i in range(1000):
        book.record(CORRECTED, 14_000 if i % 50 == 0 else 2000)  # the floor explains the excess: not judged
        book.record(FLOOR, 12_000 if i % 20 == 0 else 900)
    book.counters.update({"sent": 1000, "accepted": 1000})
    facts = RunFacts(rate_rps=300, shape="", duration_s=10, slo_p99_ms=5.0, deadline_s=5.0,
                     cpu={**QUIET, "machine_busy_pct": 96.5})
    summary = summarize(book, facts)
    assert judge(summary).verdict == "inconclusive" and "cores were 96.5% busy" in summary["reasons"][0]
    assert summary["cpu"]["machine_busy_pct"] == 96.5 and any("waiting for a CPU" in n for n in summary["notes"])
    assert "cores were" not in summarize(book, dataclasses.replace(facts, cpu=None))["reasons"][0]


def test_the_web_tab_shows_the_readings_and_what_they_say() -> None:
    book = LatencyBook()
    for _ in range(100):
        book.record(CORRECTED, 1500)
        book.record(FLOOR, 500)
    book.counters.update({"sent": 100, "accepted": 100})
    facts = RunFacts(rate_rps=300, shape="", duration_s=10, slo_p99_ms=5.0, deadline_s=5.0,
                     cpu={**QUIET, "machine_busy_pct": 97.0})
    table = webtab.rows(summarize(book, facts))
    assert table[0]["note"].startswith("PASS: the machine's 2 cores were 97% busy")
    assert "CPU while measuring: machine 97% of 2 cores, load process 20% and its tap 8% of a core" in table[-1]["note"]
    assert "CPU" not in webtab.rows(summarize(book, dataclasses.replace(facts, cpu=None)))[-1]["note"]


def test_the_instruments_cost_is_per_100_webhooks_per_second() -> None:
    reading = {"cores": 2, "seconds": 30, "machine_busy_pct": 40.0, "generator_pct": 12.0, "tap_pct": 8.0}
    assert instrument_cost(reading, 100) == 20.0 and instrument_cost(reading, 300) == 6.7
    assert instrument_cost({**reading, "processes": 2}, 100) == 40.0
    assert instrument_cost(None, 100) is None and instrument_cost(reading, 0) is None
