"""The retry checks on evidence recorded from real runs (tests/evidence/retries/): the target's description
(the declared policy) and a task made to fail on every attempt (its runs in the probe log, its result row).

Each faulty target's evidence fails the checks made for it, with the live checks' severities; the reference's
evidence fails none. Every verdict equals the one the live check gave.
"""

from __future__ import annotations

from typing import Any

import pytest

from harness.checks import retries
from harness.findings import RetryPolicyMismatch
from tests.evidence.replay import CONFIG, Outcome, failed_run, failing, load, outcome, session

EXPECTED = {
    "reference": {},
    "two_retries": {retries.DECLARED: {"high"}, retries.RUNS: {"high"}},
    "backoff_countdown": {retries.PACE: {"medium"}},
}


def verdicts(evidence: dict[str, Any]) -> dict[str, Outcome]:
    replay, run = session(evidence), failed_run(evidence["failed_run"])
    return {
        retries.DECLARED: outcome(lambda: retries.declared_policy_matches_contract(evidence["description"], replay)),
        retries.RUNS: outcome(lambda: retries.failing_task_runs_max_retries_plus_one(replay, run)),
        retries.PACE: outcome(lambda: retries.retries_follow_declared_countdown(replay, run)),
    }


@pytest.mark.parametrize("target", EXPECTED)
def test_each_target_fails_only_the_checks_made_for_it(target: str) -> None:
    assert failing(verdicts(load("retries", target))) == EXPECTED[target]


@pytest.mark.parametrize("target", EXPECTED)
def test_the_recorded_verdicts_are_the_live_ones(target: str) -> None:
    evidence = load("retries", target)
    assert verdicts(evidence) == evidence["outcomes"]


def test_two_retries_runs_one_time_less_than_the_contract() -> None:
    evidence = load("retries", "two_retries")
    with pytest.raises(RetryPolicyMismatch) as caught:
        retries.failing_task_runs_max_retries_plus_one(session(evidence), failed_run(evidence["failed_run"]))
    assert caught.value.findings[0].title.endswith(f"ran {CONFIG.contract.retry.max_retries} times")


def test_a_growing_backoff_shows_in_the_gaps_between_runs() -> None:
    evidence = load("retries", "backoff_countdown")
    with pytest.raises(RetryPolicyMismatch) as caught:
        retries.retries_follow_declared_countdown(session(evidence), failed_run(evidence["failed_run"]))
    assert caught.value.findings[0].observed.startswith("gaps between runs: [")
