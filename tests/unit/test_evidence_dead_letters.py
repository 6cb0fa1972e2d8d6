"""The dead-letter checks on evidence recorded from real runs (tests/evidence/dead_letters/): a task made to fail
on every attempt, the tap's copies of every message carrying its payload (the dead letter among them), the
DLQ's consumers and messages a moment later, and the consumers the management API lists on the DLQ.

Each faulty target's evidence fails the checks made for it, with the live checks' severities; the reference's
evidence fails none. Every verdict equals the one the live check gave.
"""

from __future__ import annotations

from typing import Any

import pytest

from harness.checks import dead_letters, dlq_consumers
from harness.findings import DeadLetterMissing, DeadLettersConsumed
from tests.evidence.replay import CONFIG, Outcome, failed_run, failing, load, outcome, session

EXPECTED = {
    "reference": {},
    "dlq_in_body": {dead_letters.AFTER_RETRIES: {"high"}, dead_letters.OUTSIDE_BODY: {"high"}},
    "dlq_consumed": {dead_letters.AFTER_RETRIES: {"high"}, dlq_consumers.CHECK: {"high"}},
}


def after_max_retries(replay: Any, evidence: dict[str, Any]) -> None:
    """:func:`dead_letters.dead_letters_after_max_retries` on the recorded letters and DLQ depth."""
    run, depth = failed_run(evidence["failed_run"]), evidence["dlq_depth"]
    dead_letters.one_letter_describes_the_failure(replay, run)
    dead_letters.dlq_keeps_its_letters(replay, CONFIG.contract.dlq_queue, depth["consumers"], depth["messages"])


def dlq_has_no_consumer(replay: Any, evidence: dict[str, Any]) -> None:
    listed = evidence["dlq_consumers"]
    dlq_consumers.nobody_consumes_the_dlq(replay, dlq_consumers.consumers_named(listed["consumer_details"],
                                                                                listed["live"]))


def verdicts(evidence: dict[str, Any]) -> dict[str, Outcome]:
    replay, run = session(evidence), failed_run(evidence["failed_run"])
    return {
        dead_letters.AFTER_RETRIES: outcome(lambda: after_max_retries(replay, evidence)),
        dead_letters.OUTSIDE_BODY: outcome(lambda: dead_letters.failure_handling_outside_task_body(replay, run)),
        dlq_consumers.CHECK: outcome(lambda: dlq_has_no_consumer(replay, evidence)),
    }


@pytest.mark.parametrize("target", EXPECTED)
def test_each_target_fails_only_the_checks_made_for_it(target: str) -> None:
    assert failing(verdicts(load("dead_letters", target))) == EXPECTED[target]


@pytest.mark.parametrize("target", EXPECTED)
def test_the_recorded_verdicts_are_the_live_ones(target: str) -> None:
    evidence = load("dead_letters", target)
    assert verdicts(evidence) == evidence["outcomes"]


def test_the_reference_dead_letter_names_the_task_its_error_and_its_payload() -> None:
    evidence = load("dead_letters", "reference")
    run = failed_run(evidence["failed_run"])
    [letter] = dead_letters.dlq_records(session(evidence), run.trigger)
    assert dead_letters.missing_parts(letter.plain.decode(), run.task, run.trigger) == []
    assert dead_letters.record_of(letter).get("retries") in (None, len(run.executions) - 1)


def test_dead_lettering_in_the_body_leaves_no_letter_for_the_injected_failure() -> None:
    evidence = load("dead_letters", "dlq_in_body")
    with pytest.raises(DeadLetterMissing) as caught:
        dead_letters.failure_handling_outside_task_body(session(evidence), failed_run(evidence["failed_run"]))
    assert caught.value.findings[0].title == "dead-lettering is written inside the task body"


def test_a_worker_consuming_the_dlq_is_named_by_its_queues() -> None:
    evidence = load("dead_letters", "dlq_consumed")
    with pytest.raises(DeadLettersConsumed) as caught:
        dlq_has_no_consumer(session(evidence), evidence)
    assert CONFIG.contract.dlq_queue in caught.value.findings[0].observed
