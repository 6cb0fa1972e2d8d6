"""A local RabbitMQ cluster (``--services local --nodes N``): N nodes on this machine, joined into one cluster.

Each node has its own name (``harness-n<i>-<amqp port>@localhost``), free loopback ports for AMQP, Erlang
distribution and the management API, and its own data and log directories in the run's temporary directory.
The nodes share an Erlang cookie (a HOME of their own) and an epmd of their own on a free port: the system
node's epmd (4369) and ports are never used. All nodes boot at once; nodes 2..N then join node 1
(``rabbitmqctl stop_app``, ``join_cluster``, ``start_app``), and the cluster is healthy when the management API
lists every node running with no partition. On exit every node is stopped (a frozen node is resumed first),
then the epmd; the temporary directory goes with the back-end's.

Cluster settings: ``net_ticktime`` is short (:data:`NET_TICKTIME_S`), so a node that stops answering is
noticed within seconds, and partitions are handled with ``autoheal``: once the nodes see each other again, the
side with fewer clients restarts and rejoins. (``pause_minority`` was tried first: a node frozen past net_ticktime
and then resumed reconnected before it could count itself a minority, and the cluster stayed partitioned, seen
still so 90 s later; a harness whose next fault needs a whole cluster cannot leave it so.)
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import port_for

from harness.endpoints import Broker
from harness.errors import ServiceUnavailable
from harness.probes.management import Management
from harness.services.cluster_node import NET_TICKTIME_S, ClusterNode, new_node
from harness.services.local import LOCAL_PASSWORD, LOCAL_USER
from harness.services.ports import ephemeral_start, listening_port
from harness.services.readiness import management_ready, tail, wait_until

__all__ = ["NET_TICKTIME_S", "ClusterNode", "LocalCluster", "local_cluster", "node_problems"]

SYSTEM_PORTS = frozenset({4369, 5672, 15672, 25672, *range(35672, 35683)})  # the system node's, and its CLI tools'
CTL_PORTS = 4  # distribution ports of this cluster's own rabbitmqctl runs (instead of the system's 35672-35682)
HEALTHY_WAIT_S = 90.0
JOIN_RETRY_S = 2.0
EPMD_CANDIDATES = ("/usr/bin/epmd", "/usr/lib/erlang/bin/epmd")


class LocalCluster:
    """The cluster's nodes, the one the harness itself talks to (``home``: the last), and its health."""

    how = "a local RabbitMQ cluster: signals to one node's processes, or rabbitmqctl"

    def __init__(self, nodes: list[ClusterNode], started_s: float) -> None:
        self.nodes, self.started_s = nodes, started_s

    @property
    def home(self) -> ClusterNode:
        return self.nodes[-1]

    def node(self, name: str) -> ClusterNode:
        found = next((n for n in self.nodes if n.name == name), None)
        if found is None:
            raise KeyError(name)
        return found

    def running(self) -> list[ClusterNode]:
        return [n for n in self.nodes if n.pid is not None]

    def management(self, avoid: tuple[ClusterNode, ...] = ()) -> Management:
        """A management client on a node that is up and not in ``avoid`` (any node serves the whole cluster)."""
        for node in self.running():
            if node not in avoid and management_ready(node.broker()):
                return Management(node.management_url, LOCAL_USER, LOCAL_PASSWORD, timeout_s=5)
        raise ServiceUnavailable("no node of the local cluster answers on its management API")

    def problems(self, avoid: tuple[ClusterNode, ...] = ()) -> list[str]:
        """What keeps the cluster from being whole: nodes missing, down or partitioned; empty when healthy."""
        try:
            with self.management(avoid) as api:
                listed = api.nodes()
        except ServiceUnavailable as exc:
            return [str(exc)]
        except httpx.HTTPError as exc:  # a node still booting, or pausing itself, answers 5xx for a moment
            return [f"the management API answered {type(exc).__name__}"]
        return node_problems(listed, [n.name for n in self.nodes])

    def wait_healthy(self, timeout_s: float = HEALTHY_WAIT_S) -> None:
        wait_until(lambda: not self.problems(), timeout_s, "RabbitMQ cluster health (every node running, no "
                   "partition)", lambda: "; ".join(self.problems()) + "\n" + self.home.log_tail(), interval_s=0.5)

    def rss_bytes(self) -> dict[str, int]:
        return {n.name: n.rss_bytes() for n in self.nodes}

    def describe(self) -> str:
        rss = sum(self.rss_bytes().values()) / 2**20
        return (f"{len(self.nodes)} nodes ({', '.join(n.name for n in self.nodes)}), started and joined in "
                f"{self.started_s:.1f} s, {rss:.0f} MB RSS in all")


def node_problems(listed: list[dict[str, object]], names: list[str]) -> list[str]:
    """The management API's ``/api/nodes`` judged: each expected node listed, running, and in no partition."""
    by_name = {str(n.get("name")): n for n in listed}
    found = []
    for name in names:
        node = by_name.get(name)
        if node is None:
            found.append(f"{name} is not a member of the cluster")
        elif not node.get("running"):
            found.append(f"{name} is not running")
        elif node.get("partitions"):
            found.append(f"{name} sees a partition from {', '.join(map(str, node['partitions']))}")  # type: ignore[call-overload]
    return found


@contextmanager
def local_cluster(workdir: Path, count: int, consumer_timeout_ms: int | None = None,
                  env: dict[str, str] | None = None) -> Iterator[tuple[Broker, LocalCluster]]:
    """``count`` nodes joined into one cluster; the broker the harness uses (the last node), with every node's
    address in ``cluster_nodes`` (the target's failover list, node 1 first)."""
    started = time.monotonic()
    home = workdir / "home"
    home.mkdir(parents=True)
    write_cookie(home)
    taken: set[int] = set()
    epmd_port, ctl_ports = free_port(taken), free_range(taken, CTL_PORTS)
    shared = {**(env or {}), "HOME": str(home), "ERL_EPMD_PORT": str(epmd_port),
              "RABBITMQ_CTL_DIST_PORT_MIN": str(ctl_ports[0]), "RABBITMQ_CTL_DIST_PORT_MAX": str(ctl_ports[-1])}
    with ExitStack() as stack:
        stack.enter_context(own_epmd(epmd_port, workdir / "epmd.log", env or {}))
        nodes = [new_node(workdir / f"node{i}", i, (free_port(taken), free_port(taken), free_port(taken)),
                          consumer_timeout_ms, shared) for i in range(1, count + 1)]
        stack.callback(stop_all, nodes)
        boot_all(nodes)
        for node in nodes[1:]:
            join(node, nodes[0])
        cluster = LocalCluster(nodes, 0.0)
        wait_until(lambda: management_ready(cluster.home.broker()), 60, "the cluster's management API",
                   cluster.home.log_tail)
        cluster.wait_healthy()
        cluster.started_s = time.monotonic() - started
        broker = Broker("127.0.0.1", cluster.home.amqp_port, LOCAL_USER, LOCAL_PASSWORD,
                        management_url=cluster.home.management_url,
                        cluster_nodes=tuple(("127.0.0.1", n.amqp_port) for n in nodes))
        yield broker, cluster


def write_cookie(home: Path) -> None:
    cookie = home / ".erlang.cookie"
    cookie.write_text(os.urandom(20).hex().upper())
    cookie.chmod(0o400)


def free_port(taken: set[int]) -> int:
    """A free port below the ephemeral range (:mod:`harness.services.ports`), not one of the system node's and
    not already given to this cluster."""
    port = listening_port(taken | SYSTEM_PORTS)
    taken.add(port)
    return port


def free_range(taken: set[int], count: int) -> list[int]:
    """``count`` consecutive free ports (rabbitmqctl takes its distribution port from a range)."""
    for _ in range(200):
        first = free_port(taken)
        ports = list(range(first, first + count))
        if ports[-1] < ephemeral_start() and all(p not in taken | SYSTEM_PORTS and port_for.is_available(p)
                                                 for p in ports[1:]):
            taken.update(ports)
            return ports
    raise ServiceUnavailable("no free range of ports for the local cluster's rabbitmqctl")


@contextmanager
def own_epmd(port: int, log: Path, env: dict[str, str]) -> Iterator[None]:
    """An epmd of the cluster's own on ``port``, loopback only, stopped on exit."""
    binary = next((b for b in EPMD_CANDIDATES if os.access(b, os.X_OK)), None)
    if binary is None:
        raise ServiceUnavailable("epmd not found (it comes with Erlang: apt-get install erlang-base)")
    with log.open("w") as out:
        process = subprocess.Popen([binary, "-port", str(port), "-address", "127.0.0.1"], stdout=out,
                                   stderr=subprocess.STDOUT, env={"PATH": "/usr/bin:/bin", **env},
                                   start_new_session=True)
    try:
        wait_until(lambda: port_open(port), 10, f"epmd on port {port}", lambda: tail(log),
                   alive=lambda: process.poll() is None)
        yield
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def boot_all(nodes: list[ClusterNode]) -> None:
    """Boot every node at once (each waits for its own AMQP port)."""
    with ThreadPoolExecutor(len(nodes), thread_name_prefix="cluster-boot") as pool:
        for future in [pool.submit(node.boot) for node in nodes]:
            future.result()


def join(node: ClusterNode, seed: ClusterNode) -> None:
    """``node`` (freshly booted, empty) joins ``seed``'s cluster; once more after a moment if a step failed (on a
    busy machine a ``rabbitmqctl`` run has failed without a word)."""
    try:
        join_once(node, seed)
    except ServiceUnavailable:
        time.sleep(JOIN_RETRY_S)
        join_once(node, seed)


def join_once(node: ClusterNode, seed: ClusterNode) -> None:
    node.ctl("stop_app")
    node.ctl("join_cluster", seed.name)  # a node already joined says so and succeeds
    node.ctl("start_app")


def stop_all(nodes: list[ClusterNode]) -> None:
    """Stop every node at once (resumed first if frozen); a node that does not stop is killed."""
    with ThreadPoolExecutor(len(nodes), thread_name_prefix="cluster-stop") as pool:
        list(pool.map(ClusterNode.stop, nodes))
