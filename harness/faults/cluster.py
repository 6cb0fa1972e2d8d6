"""Cluster faults (``--services local --nodes 3``): one node at a time, under load.

- ``node_kill``: SIGKILL to the node that leads the webhook queue (a classic queue's node), started again after the
  outage;
- ``node_stop``: that node stopped cleanly (SIGTERM: a quorum queue hands its leadership over), then started;
- ``rolling_restart``: every node stopped and started in turn, the next one only once the cluster is whole again;
- ``node_isolate``: that node's Erlang VM frozen (SIGSTOP) longer than the cluster's net_ticktime, so its peers
  count it as gone, then resumed (SIGCONT); ``autoheal`` restarts the losing side once they meet again.

Each event says which node was hit, what the webhook queue was on it (type, leader, members) before and after,
and where the target's connections were: all on one node, or spread over several.
"""

from __future__ import annotations

import time
from collections import Counter

from harness.errors import HarnessError
from harness.faults.base import FaultContext, pause
from harness.faults.broker import is_harness_connection
from harness.probes.management import Management, placement
from harness.services.cluster import NET_TICKTIME_S, ClusterNode, LocalCluster
from harness.session import Session

HEALTHY_AFTER_S = 90.0
NOT_A_CLUSTER = "needs a cluster: --services local --nodes 3"


def cluster_of(context: FaultContext) -> LocalCluster:
    cluster = context.session.services.controls.cluster
    assert cluster is not None
    return cluster


def webhook_queue(session: Session) -> str:
    route = session.config.contract.role("webhook")
    return route.queue if route is not None else session.config.contract.work_queues[0]


def queue_line(api: Management, vhost: str, name: str) -> tuple[str, str | None]:
    """(where queue ``name`` lives, in words; the node that leads it or holds it)."""
    found = api.queue(vhost, name)
    if found is None:
        return f"{name}: not declared", None
    return f"{name}: {placement(found)}", str(found.get("leader") or found.get("node") or "") or None


def clients_line(api: Management, vhost: str) -> str:
    """Where the target's AMQP connections are: per node, and whether they are spread or on one node."""
    per_node = Counter(str(c.get("node")) for c in api.connections(vhost) if not is_harness_connection(c))
    if not per_node:
        return "the target had no AMQP connection listed"
    shown = ", ".join(f"{n} on {node}" for node, n in sorted(per_node.items()))
    spread = "spread over several nodes" if len(per_node) > 1 else "all on one node"
    return f"target connections {spread} ({shown})"


def victim(context: FaultContext) -> tuple[ClusterNode, str]:
    """The node leading (or holding) the webhook queue, with the words for the queue and the clients."""
    cluster, session = cluster_of(context), context.session
    with cluster.management() as api:
        line, leader = queue_line(api, session.vhost, webhook_queue(session))
        clients = clients_line(api, session.vhost)
    node = cluster.node(leader) if leader in {n.name for n in cluster.nodes} else cluster.nodes[0]
    return node, f"{line}; {clients}"


def after(context: FaultContext, avoid: tuple[ClusterNode, ...] = ()) -> str:
    cluster, session = cluster_of(context), context.session
    with cluster.management(avoid) as api:
        return queue_line(api, session.vhost, webhook_queue(session))[0]


def healthy_again(cluster: LocalCluster) -> str:
    """Wait (bounded) until every node runs with no partition; the words for the report."""
    started = time.monotonic()
    try:
        cluster.wait_healthy(HEALTHY_AFTER_S)
    except HarnessError:
        return f"the cluster was not whole again {HEALTHY_AFTER_S:g} s later: {'; '.join(cluster.problems())}"
    return f"cluster whole again {time.monotonic() - started:.1f} s after the node came back"


class _NodeFault:
    name = ""
    title = ""

    def unavailable(self, session: Session) -> str | None:
        return None if session.services.controls.cluster is not None else NOT_A_CLUSTER

    def inject(self, context: FaultContext) -> None:
        node, before = victim(context)
        started = time.time()
        try:
            what = self.hit(context, node)
        finally:
            node.thaw()
            if node.pid is None:
                node.start()
        health = healthy_again(cluster_of(context))
        context.record(self.name, started, f"{what} {node.name} (before: {before}); after: {after(context)}; "
                                           f"{health}")

    def hit(self, context: FaultContext, node: ClusterNode) -> str:
        raise NotImplementedError


class NodeKill(_NodeFault):
    name = "node_kill"
    title = "the webhook queue's leader node SIGKILLed"

    def hit(self, context: FaultContext, node: ClusterNode) -> str:
        node.kill()
        pause(context.plan.outage_s)
        return f"SIGKILL, {context.plan.outage_s:g} s down, then a start on the same ports and data, to"


class NodeStop(_NodeFault):
    name = "node_stop"
    title = "the webhook queue's leader node stopped cleanly"

    def hit(self, context: FaultContext, node: ClusterNode) -> str:
        node.stop()
        pause(context.plan.outage_s)
        return f"SIGTERM (a clean shutdown), {context.plan.outage_s:g} s down, then a start, to"


class NodeIsolate(_NodeFault):
    name = "node_isolate"
    title = "the webhook queue's leader node isolated (its VM frozen past net_ticktime)"

    def hit(self, context: FaultContext, node: ClusterNode) -> str:
        frozen_s = isolation_s(context)
        node.freeze()
        pause(frozen_s)
        node.thaw()
        return f"SIGSTOP for {frozen_s:g} s (net_ticktime {NET_TICKTIME_S} s), then SIGCONT, to"


def isolation_s(context: FaultContext) -> float:
    """Long enough that the peers count the node as gone (up to 1.25 net_ticktime), plus a margin."""
    return max(context.plan.outage_s, NET_TICKTIME_S * 1.25 + 3)


class RollingRestart:
    name = "rolling_restart"
    title = "a rolling restart of every node"

    def unavailable(self, session: Session) -> str | None:
        return None if session.services.controls.cluster is not None else NOT_A_CLUSTER

    def inject(self, context: FaultContext) -> None:
        cluster = cluster_of(context)
        _node, before = victim(context)
        started, steps = time.time(), []
        for node in cluster.nodes:
            steps.append(restart_one(node, cluster))
        context.record(self.name, started, f"each node stopped (SIGTERM) and started in turn (before: {before}): "
                                           f"{'; '.join(steps)}; after: {after(context)}")


def restart_one(node: ClusterNode, cluster: LocalCluster) -> str:
    started = time.monotonic()
    try:
        node.stop()
    finally:
        node.start()
    return f"{node.name} {time.monotonic() - started:.1f} s, {healthy_again(cluster)}"


CLUSTER_FAULTS = (NodeKill(), NodeStop(), RollingRestart(), NodeIsolate())
