"""Replication in a cluster: is each contract queue replicated (quorum, stream) or on one node (classic), where
are its leader and members, and which of the target's queue settings would a quorum queue refuse on this broker.

The refusals are asked of the broker itself (:mod:`harness.probes.quorum`: a scratch quorum queue declared in the
run's vhost with one setting at a time), never taken from a table of versions. On one node there is nothing to
replicate to: the checks are skipped with that reason (``--services local --nodes 3`` starts a cluster).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.checks.reproduce import harness_line
from harness.checks.topology import broker_queue
from harness.findings import CheckSkipped, Finding, QueueNotReplicated, QuorumRefusesSetting, Severity
from harness.probes.management import REPLICATED, placement
from harness.probes.quorum import GLOBAL_QOS, NOT_DURABLE, refusals
from harness.session import Session

QUORUM_QOS_DETECTION = (5, 5)  # Celery turns global QoS off for quorum queues from 5.5 (worker_detect_quorum_queues)
ONE_NODE = ("one broker node: a queue has nowhere to be replicated to (run on a cluster: --services local "
            "--nodes 3)")


def _finding(session: Session, check: str, subject: str, severity: Severity, title: str, expected: str,
             observed: str) -> Finding:
    return Finding(check, subject, severity, title, expected, observed,
                   harness_line(session.spec.name, check) + f"; rabbitmqctl list_queues -p {session.vhost} "
                   "name type leader members online")


def cluster_nodes(session: Session) -> list[str]:
    """The names of the cluster's nodes (the management API's ``/api/nodes``)."""
    return [str(n.get("name")) for n in session.api.nodes()]


def in_a_cluster(session: Session) -> list[str]:
    nodes = cluster_nodes(session)
    if len(nodes) < 2:
        raise CheckSkipped(ONE_NODE)
    return nodes


def queue_is_replicated(session: Session, name: str) -> str:
    """The queue is replicated over the cluster; returns where it lives (the leader and members), for the report."""
    check, nodes = "replication.queue_is_replicated", in_a_cluster(session)
    queue = broker_queue(session, check, name)
    judge_replication(session, name, queue, nodes)
    return placement(queue)


def judge_replication(session: Session, name: str, queue: Mapping[str, Any], nodes: list[str]) -> None:
    check, severity = "replication.queue_is_replicated", session.config.contract.unreplicated_queue
    wanted = min(3, len(nodes))
    if str(queue.get("type") or "classic") not in REPLICATED:
        raise QueueNotReplicated(_finding(
            session, check, name, severity, f"queue {name} lives on one node of the {len(nodes)}-node cluster",
            f"a replicated queue (x-queue-type: quorum) with members on {wanted} nodes",
            f"{placement(queue)}: while {queue.get('node') or 'that node'} is down the queue and its messages are "
            "unavailable to every client, and they are lost with that node's disk"))
    members = list(queue.get("members") or [])
    if len(members) < wanted:
        raise QueueNotReplicated(_finding(
            session, check, name, Severity.MEDIUM, f"queue {name} has {len(members)} of {wanted} replicas",
            f"members on {wanted} nodes (a majority survives one node's loss)", placement(queue)))


def settings_to_try(session: Session, name: str) -> dict[str, dict[str, Any]]:
    """The queue's settings a quorum queue would have to take, each alone: every argument the target declares
    (``x-queue-type`` aside), durability, and, for a queue not yet quorum, ``x-max-priority`` when the contract's
    routes set priorities on its messages but the target declares none (the fix
    topology.max_priority_covers_priorities asks for). A queue the target already declares quorum was accepted as it
    is; its missing priorities are topology.max_priority_covers_priorities' to report."""
    queues: list[dict[str, Any]] = session.target.description.get("queues", [])
    declared: dict[str, Any] = next((q for q in queues if q.get("name") == name), {})
    arguments = {k: v for k, v in (declared.get("arguments") or {}).items() if k != "x-queue-type"}
    tried = {f"{key}={value}": {key: value} for key, value in arguments.items()}
    wanted = max(session.config.contract.priorities_of(name), default=0)
    already_quorum = (declared.get("arguments") or {}).get("x-queue-type") == "quorum"
    if wanted and "x-max-priority" not in arguments and not already_quorum:
        tried[f"x-max-priority={wanted} (for the priorities its routes set)"] = {"x-max-priority": wanted}
    if declared and not declared.get("durable", True):
        tried[NOT_DURABLE] = {}
    return tried


def quorum_accepts_settings(session: Session, name: str) -> None:
    """Each of the queue's settings, tried on a scratch quorum queue in the run's vhost; a refusal is a finding."""
    in_a_cluster(session)
    tried = settings_to_try(session, name)
    judge_refusals(session, name, tried, refusals(session.services.broker, tried))


def judge_refusals(session: Session, name: str, tried: Mapping[str, Mapping[str, Any]],
                   replies: Mapping[str, str | None]) -> None:
    """The broker's replies judged: a declared setting it refuses is the contract's availability severity; a
    priority only the contract's routes imply is medium (no priorities on such a queue, rather than no queue)."""
    refused = {setting: reply for setting, reply in replies.items() if reply}
    if not refused:
        return
    implied = [s for s in refused if "for the priorities" in s]
    severity = Severity.MEDIUM if len(implied) == len(refused) else session.config.contract.unreplicated_queue
    shown = "; ".join(f"{setting}: {reply}" for setting, reply in refused.items())
    raise QuorumRefusesSetting(_finding(
        session, "replication.quorum_accepts_settings", name, severity,
        f"a quorum queue {name} would refuse {', '.join(refused)}",
        f"every setting of queue {name} ({', '.join(tried) or 'none'}) accepted by a quorum queue on this broker",
        f"declared for real on a scratch quorum queue, the broker answered {shown}"))


def worker_uses_global_qos(description: Mapping[str, Any]) -> bool:
    """Whether the target's worker would consume quorum queues with global QoS: Celery before 5.5, or
    ``worker_detect_quorum_queues`` turned off (Celery's own rule: global on RabbitMQ unless it sees quorum queues)."""
    version = tuple(int(p) for p in str(description.get("celery_version") or "0.0").split(".")[:2] if p.isdigit())
    detect = (description.get("conf") or {}).get("worker_detect_quorum_queues")
    return version < QUORUM_QOS_DETECTION or detect is False


def worker_qos_fits_quorum(session: Session) -> str:
    """The worker's QoS works with quorum queues; returns what was asked of the broker and what Celery does."""
    in_a_cluster(session)
    reply = refusals(session.services.broker, {GLOBAL_QOS: {}})[GLOBAL_QOS]
    return judge_global_qos(session, reply)


def judge_global_qos(session: Session, reply: str | None) -> str:
    description = session.target.description
    asked = f"a channel with global QoS consuming a scratch quorum queue: {reply or 'accepted'}"
    if not worker_uses_global_qos(description) or reply is None:
        return f"{asked}; Celery {description.get('celery_version')} turns global QoS off for quorum queues"
    raise QuorumRefusesSetting(_finding(
        session, "replication.worker_qos_fits_quorum", "worker", session.config.contract.unreplicated_queue,
        "the worker's global QoS is refused by quorum queues",
        "per-consumer prefetch (Celery >= 5.5 with worker_detect_quorum_queues, the default)",
        f"Celery {description.get('celery_version')}, worker_detect_quorum_queues="
        f"{(description.get('conf') or {}).get('worker_detect_quorum_queues')}; {asked}"))
