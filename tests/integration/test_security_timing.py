"""The constant-time check: it finds an early-exit comparison, and on the reference target it passes with
the figures that bound what it could have seen."""

from __future__ import annotations

import re

import pytest

from tests.integration._security_runs import checks, findings, gate_run

pytestmark = [pytest.mark.live, pytest.mark.slow, pytest.mark.security]
CHECK = "security.signature_comparison_constant_time"


def test_early_exit_comparison_is_found_with_its_figures() -> None:
    run = gate_run("timing_leak")
    (finding,) = findings(run, CHECK)
    assert finding["severity"] == "high"
    medians = [float(m) for m in re.findall(r"median difference ([+-][\d.]+) µs", str(finding["observed"]))]
    assert len(medians) == 2 and all(m > 600 for m in medians)  # 63 matching characters × 30 µs ≈ 1.9 ms


def test_reference_passes_and_states_what_it_could_detect() -> None:
    run = gate_run("reference")
    (record,) = [c for c in checks(run, CHECK)]
    assert record["status"] == "passed"
    note = str(record["reason"])
    assert "99% CI" in note and "cannot be seen through HTTP" in note and "does not prove constant time" in note
    assert re.search(r"below about \d+ µs", note)
