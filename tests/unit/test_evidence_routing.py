"""The routing checks on evidence recorded from real runs (tests/evidence/routing/): the target's description
(``inspect``) for the static check, and the tap's copies of each published task for the live one.

Each faulty target's evidence fails the routing checks the live suite expects of it, with the same severity;
the reference's evidence fails none. Every verdict equals the one the live check gave.
"""

from __future__ import annotations

from typing import Any

import pytest

from harness.checks import routing
from harness.findings import RouteReachesNoQueue, RouteReachesWrongQueue
from tests.evidence.replay import CONFIG, Outcome, failing, load, outcome, session
from tests.evidence.trim import observation

GENERATE = "ai_agent_background.generate_code"
EXPECTED = {
    "reference": {},
    "seed": {routing.STATIC: {"critical", "high"}, routing.LIVE: {"critical", "high"}},
    "wrong_queue": {routing.STATIC: {"high"}, routing.LIVE: {"high"}},
    "hash_binding_elsewhere": {routing.STATIC: {"medium"}, routing.LIVE: {"medium"}},
    "own_exchange": {routing.STATIC: {"critical"}},
}


def verdicts(evidence: dict[str, Any]) -> dict[str, Outcome]:
    """Every routing check's verdict on ``evidence``, keyed as the capture keyed the live ones."""
    replay, description, contract = session(evidence), evidence["description"], CONFIG.contract
    found = {f"{routing.STATIC}[{t.name}]": outcome(
        lambda task=t.name: routing.route_key_matches_binding(description, contract, task, evidence["target"]))
        for t in contract.tasks}
    for landing in evidence["landings"]:
        expected, seen = contract.task(landing["task"]), [observation(o) for o in landing["seen"]]
        found[f"{routing.LIVE}[{landing['task']}]"] = outcome(
            lambda e=expected, s=seen: routing.judge_landing(replay, e, s, routing.LIVE))
    return found


@pytest.mark.parametrize("target", EXPECTED)
def test_each_target_fails_only_the_checks_made_for_it(target: str) -> None:
    assert failing(verdicts(load("routing", target))) == EXPECTED[target]


@pytest.mark.parametrize("target", EXPECTED)
def test_the_recorded_verdicts_are_the_live_ones(target: str) -> None:
    evidence = load("routing", target)
    recorded = {k: v for k, v in evidence["outcomes"].items() if k.partition("[")[0] in (routing.STATIC, routing.LIVE)}
    assert verdicts(evidence) == recorded


def test_generate_code_on_the_seed_reaches_no_queue_live() -> None:
    evidence = load("routing", "seed")
    [landing] = [x for x in evidence["landings"] if x["task"] == GENERATE]
    with pytest.raises(RouteReachesNoQueue) as caught:
        routing.judge_landing(session(evidence), CONFIG.contract.task(GENERATE),
                              [observation(o) for o in landing["seen"]], routing.LIVE)
    assert caught.value.findings[0].title == "routing key ai.generate.code reaches no queue"


def test_a_wrong_route_lands_in_the_tests_queue() -> None:
    evidence = load("routing", "wrong_queue")
    [landing] = [x for x in evidence["landings"] if x["task"] == GENERATE]
    with pytest.raises(RouteReachesWrongQueue) as caught:
        routing.judge_landing(session(evidence), CONFIG.contract.task(GENERATE),
                              [observation(o) for o in landing["seen"]], routing.LIVE)
    assert "tests" in caught.value.findings[0].observed
