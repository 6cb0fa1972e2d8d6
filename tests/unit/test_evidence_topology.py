"""The topology checks on evidence recorded from real runs (tests/evidence/topology/): the management API's
queues, exchange and bindings, the tap's copies, and the live consumer counts.

Each faulty target's evidence fails the check made for it, with the live check's severity, and no other
topology check; the reference's evidence fails none. Every verdict equals the one the live check gave.
"""

from __future__ import annotations

from typing import Any

import pytest

from harness.checks import topology
from harness.findings import OrphanQueue, TopologyMismatch
from harness.probes.amqp import QueueCounts
from tests.evidence.replay import CONFIG, Outcome, failing, load, outcome, session

EXPECTED = {
    "reference": {},
    "non_durable_queue": {"topology.queue_is_durable": {"high"}},
    "no_max_priority": {"topology.max_priority_covers_priorities": {"high"}},
    "transient_messages": {"topology.messages_are_persistent": {"high"}},
    "own_exchange": {"topology.queue_bound_to_exchange": {"high"}},
    "unconsumed_queue": {"topology.no_queue_without_consumers": {"high"}},
    "task_events": {},
}


def verdicts(evidence: dict[str, Any]) -> dict[str, Outcome]:
    """Every topology check's verdict on ``evidence``, keyed as the capture keyed the live ones."""
    replay, found = session(evidence), {}
    for queue in CONFIG.contract.work_queues:
        found[f"topology.queue_is_durable[{queue}]"] = outcome(lambda q=queue: topology.queue_is_durable(replay, q))
        found[f"topology.queue_bound_to_exchange[{queue}]"] = outcome(
            lambda q=queue: topology.queue_bound_to_exchange(replay, q))
        found[f"topology.max_priority_covers_priorities[{queue}]"] = outcome(
            lambda q=queue: topology.max_priority_covers_priorities(replay, q))
    found["topology.messages_are_persistent"] = outcome(lambda: topology.messages_are_persistent(replay))
    counts = {name: QueueCounts(**c) for name, c in evidence["counts"].items()}
    found["topology.no_queue_without_consumers"] = outcome(lambda: topology.every_queue_has_a_consumer(replay, counts))
    return found


@pytest.mark.parametrize("target", EXPECTED)
def test_each_target_fails_only_the_check_made_for_it(target: str) -> None:
    assert failing(verdicts(load("topology", target))) == EXPECTED[target]


@pytest.mark.parametrize("target", EXPECTED)
def test_the_recorded_verdicts_are_the_live_ones(target: str) -> None:
    evidence = load("topology", target)
    assert verdicts(evidence) == evidence["outcomes"]


def test_a_non_durable_queue_is_named_with_what_the_broker_says() -> None:
    evidence = load("topology", "non_durable_queue")
    durable = {q for q, info in evidence["queues"].items() if info and not info["durable"]}
    assert durable, "the recorded evidence holds a non-durable queue"
    for queue in durable & set(CONFIG.contract.work_queues):
        with pytest.raises(TopologyMismatch) as caught:
            topology.queue_is_durable(session(evidence), queue)
        assert caught.value.findings[0].observed == "durable=False"


def test_a_queue_without_x_max_priority_is_named_with_the_priority_it_ignores() -> None:
    replay = session(load("topology", "no_max_priority"))
    queue = next(q for q in CONFIG.contract.work_queues if max(CONFIG.contract.priorities_of(q), default=0))
    with pytest.raises(TopologyMismatch) as caught:
        topology.max_priority_covers_priorities(replay, queue)
    assert "x-max-priority = None" in caught.value.findings[0].observed


def test_task_events_are_named_not_judged() -> None:
    note = topology.messages_are_persistent(session(load("topology", "task_events")))
    assert note is not None and "event messages on celeryev" in note


def test_an_unconsumed_queue_is_named_with_its_backlog() -> None:
    evidence = load("topology", "unconsumed_queue")
    counts = {name: QueueCounts(**c) for name, c in evidence["counts"].items()}
    with pytest.raises(OrphanQueue) as caught:
        topology.every_queue_has_a_consumer(session(evidence), counts)
    orphans = [name for name, c in counts.items() if c.consumers == 0 and name != CONFIG.contract.dlq_queue]
    assert orphans and caught.value.findings[0].subject == ", ".join(sorted(orphans))
