"""The priority checks on evidence recorded from real runs (tests/evidence/priority/): the target's description
(its workers' prefetch) and a backlog of mixed priorities with each task's first start (the probe log).

Each faulty target's evidence fails the check made for it, with the live check's severity; the reference's
evidence fails none. Every verdict equals the one the live check gave.
"""

from __future__ import annotations

from typing import Any

import pytest

from harness.checks import priority
from harness.findings import PriorityIgnored
from tests.evidence.replay import Outcome, failing, load, outcome, session
from tests.evidence.trim import execution

EXPECTED = {
    "reference": {},
    "prefetch_four": {priority.SETTINGS: {"high"}},
    "no_max_priority": {priority.ORDER: {"high"}},
}


def started_highest_first(evidence: dict[str, Any]) -> None:
    backlog = evidence["backlog"]
    priority.started_highest_first(session(evidence), backlog["queue"], backlog["ids"],
                                   [execution(x) for x in backlog["started"]])


def verdicts(evidence: dict[str, Any]) -> dict[str, Outcome]:
    return {priority.SETTINGS: outcome(lambda: priority.worker_settings_keep_priority(session(evidence))),
            priority.ORDER: outcome(lambda: started_highest_first(evidence))}


@pytest.mark.parametrize("target", EXPECTED)
def test_each_target_fails_only_the_check_made_for_it(target: str) -> None:
    assert failing(verdicts(load("priority", target))) == EXPECTED[target]


@pytest.mark.parametrize("target", EXPECTED)
def test_the_recorded_verdicts_are_the_live_ones(target: str) -> None:
    evidence = load("priority", target)
    assert verdicts(evidence) == evidence["outcomes"]


def test_the_prefetch_multiplier_is_read_from_the_recorded_worker_arguments() -> None:
    assert priority.prefetch_multiplier(load("priority", "prefetch_four")["description"]) == 4
    assert priority.prefetch_multiplier(load("priority", "reference")["description"]) == 1


def test_a_backlog_in_arrival_order_counts_its_inversions() -> None:
    with pytest.raises(PriorityIgnored) as caught:
        started_highest_first(load("priority", "no_max_priority"))
    assert "inversions" in caught.value.findings[0].observed
    assert "10/10 ran" in caught.value.findings[0].observed
