"""The results check on evidence recorded from real runs (tests/evidence/results/): every execution the probe
log holds, and the celery_taskmeta rows of their ids.

A target that stores no successes fails it, with the live check's severity; the reference does not.
"""

from __future__ import annotations

from typing import Any

import pytest

from harness.checks import results
from harness.findings import ResultMissing
from tests.evidence.replay import Outcome, failing, load, outcome, session

EXPECTED = {
    "reference": {},
    "successes_not_stored": {results.EXECUTED: {"high"}},
}


def verdicts(evidence: dict[str, Any]) -> dict[str, Outcome]:
    return {results.EXECUTED: outcome(lambda: results.every_execution_has_a_row(session(evidence), settle_s=0.0))}


@pytest.mark.parametrize("target", EXPECTED)
def test_each_target_fails_only_the_check_made_for_it(target: str) -> None:
    assert failing(verdicts(load("results", target))) == EXPECTED[target]


@pytest.mark.parametrize("target", EXPECTED)
def test_the_recorded_verdicts_are_the_live_ones(target: str) -> None:
    evidence = load("results", target)
    assert verdicts(evidence) == evidence["outcomes"]


def test_the_missing_rows_are_the_successes() -> None:
    evidence = load("results", "successes_not_stored")
    stored = {i for i, row in evidence["rows"].items() if row["status"] in ("SUCCESS", "FAILURE")}
    with pytest.raises(ResultMissing) as caught:
        results.every_execution_has_a_row(session(evidence), settle_s=0.0)
    ran = {x["id"] for x in evidence["executions"]}
    assert caught.value.findings[0].title == f"{len(ran - stored)} of {len(ran)} executed tasks have no result"
