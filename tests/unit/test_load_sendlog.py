"""The load generator's sends log, read back as the ledger's deliveries, and the load account's lines."""

from __future__ import annotations

import time
from pathlib import Path

from harness.ledger.render import reliability_lines
from harness.load.generator.sendlog import SendLog, own_path, read_sends


def test_sends_come_back_as_deliveries_with_their_answers(tmp_path: Path) -> None:
    log, now_ns = SendLog("f100"), time.monotonic_ns()
    log.sent(0, "aa00", now_ns, now_ns + 1_000_000, True)
    log.sent(1, "aa01", now_ns + 20_000_000, now_ns + 21_000_000, False)
    log.sent(2, "aa02", now_ns + 40_000_000, now_ns + 41_000_000, False)
    log.answered(0, "200", 0.004)
    log.answered(1, "timeout", 5.0)  # 2 never got an answer
    log.write(tmp_path / "sends.jsonl")
    deliveries, harness_prefixes = read_sends(tmp_path / "sends.jsonl")
    assert harness_prefixes == ("f100",)
    assert [(d.seq, d.trigger, d.status_change, d.accepted) for d in deliveries] == [
        (0, "aa00", True, True), (1, "aa01", False, False), (2, "aa02", False, False)]
    assert [d.attempts[0].describe() for d in deliveries] == ["200", "timeout", "no answer"]
    assert abs(deliveries[0].attempts[0].t - deliveries[0].intended - 0.001) < 1e-4
    assert abs(deliveries[0].intended - time.time()) < 5  # epoch seconds, like the probes' records


def test_each_worker_writes_beside_the_path_and_all_are_read(tmp_path: Path) -> None:
    path = tmp_path / "sends.jsonl"
    for prefix in ("w1", "w2"):
        log = SendLog("floor-" + prefix)
        log.sent(0, prefix + "00", 0, 0, False)
        log.write(own_path(path, prefix, alone=False))
    assert own_path(path, "w1", alone=True) == path
    deliveries, prefixes = read_sends(path)
    assert sorted(d.trigger for d in deliveries) == ["w100", "w200"]
    assert sorted(prefixes) == ["floor-w1", "floor-w2"]


def test_the_load_account_is_printed_with_its_losses() -> None:
    account = {"sent": 3, "accepted": 3, "completed": 1, "lost": 2, "examples": {"lost": ["aa01", "aa02"]}}
    lines = reliability_lines({"load": {"name": "load", "account": account}})
    assert lines[0].startswith("ledger load: sent 3, accepted 3, rejected 0, completed 1")
    assert "LOST 2" in lines[0]
    assert lines[1] == "    lost, for example (triggerUuid): aa01, aa02"
    assert reliability_lines({"load": None}) == reliability_lines(None) == []
