"""The replication checks on evidence recorded from real runs on a local 3-node cluster
(tests/evidence/replication/, ``python -m tests.evidence.capture_replication <target>``): the management API's
nodes and queues, the target's queue description, and the broker's replies to scratch quorum queues.

The seed's classic queues fail ``replication.queue_is_replicated`` (each named, with its node), and the broker's
refusal of the seed's settings on a quorum queue is named; the reference (quorum queues on a cluster) fails none.
Every verdict equals the one the live check gave.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from harness.checks import replication
from harness.findings import CheckSkipped, QueueNotReplicated, QuorumRefusesSetting
from tests.evidence.replay import CONFIG, Outcome, RecordedApi, failing, load, outcome, session

EXPECTED = {
    "seed": {"replication.queue_is_replicated": {"high"}, "replication.quorum_accepts_settings": {"medium"}},
    "reference": {},
}


@dataclass
class ClusterApi(RecordedApi):
    listed_nodes: list[dict[str, Any]] = field(default_factory=list)

    def nodes(self) -> list[dict[str, Any]]:
        return self.listed_nodes


def replay(evidence: dict[str, Any]) -> Any:
    stand_in = session(evidence)
    stand_in.api = ClusterApi(evidence["queues"], listed_nodes=evidence["nodes"])
    return stand_in


def verdicts(evidence: dict[str, Any]) -> dict[str, Outcome]:
    stand_in, found = replay(evidence), {}
    nodes = [n["name"] for n in evidence["nodes"]]
    refusals = {r["queue"]: r for r in evidence["refusals"]}
    for queue in CONFIG.contract.work_queues:
        found[f"replication.queue_is_replicated[{queue}]"] = outcome(
            lambda q=queue: replication.judge_replication(stand_in, q, evidence["queues"][q], nodes))
        found[f"replication.quorum_accepts_settings[{queue}]"] = outcome(
            lambda q=queue: replication.judge_refusals(stand_in, q, refusals[q]["tried"], refusals[q]["replies"]))
    found["replication.worker_qos_fits_quorum"] = outcome(
        lambda: replication.judge_global_qos(stand_in, evidence["global_qos"]))
    return found


@pytest.mark.parametrize("target", EXPECTED)
def test_each_target_fails_only_what_it_should(target: str) -> None:
    assert failing(verdicts(load("replication", target))) == EXPECTED[target]


@pytest.mark.parametrize("target", EXPECTED)
def test_the_recorded_verdicts_are_the_live_ones(target: str) -> None:
    evidence = load("replication", target)
    assert verdicts(evidence) == evidence["outcomes"]


@pytest.mark.parametrize("target", EXPECTED)
def test_the_settings_tried_are_read_from_the_description(target: str) -> None:
    evidence = load("replication", target)
    stand_in = replay(evidence)
    for recorded in evidence["refusals"]:
        assert replication.settings_to_try(stand_in, recorded["queue"]) == recorded["tried"]


def test_each_classic_queue_of_the_seed_is_named_with_its_node() -> None:
    evidence = load("replication", "seed")
    nodes = [n["name"] for n in evidence["nodes"]]
    for queue in CONFIG.contract.work_queues:
        found = evidence["queues"][queue]
        with pytest.raises(QueueNotReplicated) as caught:
            replication.judge_replication(replay(evidence), queue, found, nodes)
        finding = caught.value.findings[0]
        assert finding.subject == queue and f"classic, on {found['node']} only" in finding.observed


def test_the_brokers_refusal_of_x_max_priority_is_quoted() -> None:
    evidence = load("replication", "seed")
    recorded = next(r for r in evidence["refusals"] if r["queue"] == "webhooks")
    with pytest.raises(QuorumRefusesSetting) as caught:
        replication.judge_refusals(replay(evidence), "webhooks", recorded["tried"], recorded["replies"])
    observed = caught.value.findings[0].observed
    assert "x-max-priority" in observed and "PRECONDITION_FAILED" in observed


def test_quorum_members_and_leader_are_reported() -> None:
    evidence = load("replication", "reference")
    stand_in, nodes = replay(evidence), [n["name"] for n in evidence["nodes"]]
    for queue in CONFIG.contract.work_queues:
        shown = replication.placement(evidence["queues"][queue])
        assert shown.startswith("quorum, leader ") and len(evidence["queues"][queue]["members"]) == 3
        replication.judge_replication(stand_in, queue, evidence["queues"][queue], nodes)


def test_one_node_skips_with_the_reason() -> None:
    evidence = load("replication", "reference")
    stand_in = replay(evidence)
    stand_in.api = ClusterApi(evidence["queues"], listed_nodes=evidence["nodes"][:1])
    with pytest.raises(CheckSkipped, match="one broker node"):
        replication.in_a_cluster(stand_in)


def test_a_worker_with_global_qos_is_named_when_the_broker_refuses_it() -> None:
    evidence = load("replication", "seed")
    stand_in = replay(evidence)
    stand_in.target.description = {"celery_version": "5.4.0", "conf": {}}
    if evidence["global_qos"] is None:
        pytest.skip("this broker accepted global QoS on a quorum queue: nothing to refuse")
    with pytest.raises(QuorumRefusesSetting, match="global QoS"):
        replication.judge_global_qos(stand_in, evidence["global_qos"])
