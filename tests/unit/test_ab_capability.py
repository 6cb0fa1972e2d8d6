"""Where harness ab's capability answers come from: reference on both brokers, run here or read back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.ab.capability import capability_args, capability_config, compares_reference, read_capability, runs_of
from harness.config import RunOptions, ServiceSettings, load_config, with_run
from harness.errors import HarnessError

BROKERS = ("redis", "rabbitmq")


def write(directory: Path, target: str) -> None:
    for broker in BROKERS:
        (directory / broker).mkdir(parents=True)
        (directory / broker / "report.json").write_text(json.dumps({"target": target, "checks": []}))


def test_the_capability_run_is_reference_without_load_under_the_default_contract(tmp_path: Path) -> None:
    config = load_config(tmp_path, ServiceSettings(backend="external"), RunOptions(target="seed", quick=True))
    reference = capability_config(config, "redis")
    assert (reference.run.target, reference.run.broker, reference.run.load, reference.run.quick) == \
        ("reference", "redis", False, True)
    assert not compares_reference(config) and compares_reference(with_run(config, target="reference"))
    assert capability_args()[0] == "--ignore" and capability_args()[1].endswith("test_webhook_security.py")


def test_an_earlier_reference_run_is_read_back_from_either_layout(tmp_path: Path) -> None:
    write(tmp_path / "ab", "reference")
    assert read_capability(tmp_path / "ab", BROKERS).reports is not None
    write(tmp_path / "seed-run" / "capability", "reference")
    found = read_capability(tmp_path / "seed-run", BROKERS)
    assert found.source.endswith("capability)") and set(found.reports or {}) == set(BROKERS)
    config = load_config(tmp_path, ServiceSettings(backend="external"), RunOptions(target="seed"))
    assert runs_of(found, tmp_path / "seed-run", config) == {b: f"capability/{b}/report.json" for b in BROKERS}


def test_a_run_of_another_target_does_not_answer_capability(tmp_path: Path) -> None:
    write(tmp_path, "seed")
    with pytest.raises(HarnessError, match="is a run of 'seed', not of 'reference'"):
        read_capability(tmp_path, BROKERS)
    with pytest.raises(HarnessError, match="cannot read"):
        read_capability(tmp_path / "missing", BROKERS)
