"""One node of a local RabbitMQ cluster (:mod:`harness.services.cluster`): its name, ports and folders, and what
the harness does to it: boot, clean stop (SIGTERM), start again, SIGKILL, freeze (SIGSTOP) and thaw (SIGCONT),
``rabbitmqctl`` on it, and its resident memory."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING

import psutil

from harness.endpoints import Broker
from harness.errors import ServiceUnavailable, StartupTimeout
from harness.services.local import (
    LOCAL_PASSWORD,
    LOCAL_USER,
    RABBITMQCTL,
    find_rabbitmq_server,
    rabbit_config,
    start_server,
    stop_server,
)
from harness.services.readiness import management_ready, tail, wait_until

if TYPE_CHECKING:
    from pytest_rabbitmq.factories.executor import RabbitMqExecutor

NET_TICKTIME_S = 5  # seconds: a node silent this long (up to 1.25 times) is counted as gone by its peers
CTL_TIMEOUT_S = 90.0


class ClusterNode:
    """One node: its name, ports and directories; stop (SIGTERM), start, kill (SIGKILL), freeze and thaw."""

    def __init__(self, index: int, name: str, ports: tuple[int, int, int], workdir: Path,
                 executor: RabbitMqExecutor) -> None:
        self.index, self.name, self.workdir, self.executor = index, name, workdir, executor
        self.amqp_port, self.dist_port, self.mgmt_port = ports

    @property
    def management_url(self) -> str:
        return f"http://127.0.0.1:{self.mgmt_port}"

    def broker(self) -> Broker:
        return Broker("127.0.0.1", self.amqp_port, LOCAL_USER, LOCAL_PASSWORD, management_url=self.management_url)

    @property
    def pid(self) -> int | None:
        process = self.executor.process
        return process.pid if process is not None and process.poll() is None else None

    def log_tail(self) -> str:
        return tail(self.workdir / "log")

    def boot(self) -> None:
        """Start the node process and wait for its AMQP port (not yet clustered)."""
        start_server(self.executor, f"cluster node {self.name}", self.workdir / "log")

    def stop(self) -> None:
        """A clean shutdown (SIGTERM), resuming the node first if it was frozen."""
        self.thaw()
        stop_server(self.executor)

    def kill(self) -> None:
        """SIGKILL to the node's whole process group: no shutdown at all."""
        self.thaw()
        self.executor.kill()

    def start(self) -> None:
        """Start the node again on the same ports and data directory; it rejoins the cluster by itself."""
        for attempt in (1, 2):
            try:
                self.executor.start()
                break
            except Exception as exc:  # mirakuru's ExecutorError and its subclasses
                self.executor.kill()
                if attempt == 2:
                    raise StartupTimeout(f"cluster node {self.name}, started again ({type(exc).__name__})", 60,
                                         self.log_tail()) from None
                time.sleep(3)
        wait_until(lambda: management_ready(self.broker()), 60, f"management API of {self.name}", self.log_tail)

    def freeze(self) -> None:
        """SIGSTOP to the node's process group: it stops answering its peers and its clients."""
        self._signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self._signal(signal.SIGCONT)

    def _signal(self, sig: signal.Signals) -> None:
        pid = self.pid
        try:
            if pid is not None and os.getpgid(pid) != os.getpgrp():  # never the harness's own group
                os.killpg(os.getpgid(pid), sig)
        except ProcessLookupError:
            return

    def ctl(self, *args: str) -> str:
        """``rabbitmqctl -n <node> ...``; its output, or a one-line error naming the command."""
        command = [RABBITMQCTL, "-n", self.name, *args]
        try:
            done = subprocess.run(command, env=self.executor.envvars, capture_output=True, text=True,
                                  timeout=CTL_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise ServiceUnavailable(f"rabbitmqctl {' '.join(args)} on {self.name}: no answer in "
                                     f"{CTL_TIMEOUT_S:g} s") from None
        if done.returncode != 0:
            last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            raise ServiceUnavailable(f"rabbitmqctl {' '.join(args)} on {self.name} failed (exit code "
                                     f"{done.returncode}): {last[0]}")
        return done.stdout

    def rss_bytes(self) -> int:
        """Resident memory of the node's processes (the Erlang VM and its helpers); 0 when it is down."""
        pid = self.pid
        if pid is None:
            return 0
        try:
            root = psutil.Process(pid)
            return sum(p.memory_info().rss for p in (root, *root.children(recursive=True)))
        except psutil.Error:
            return 0


def new_node(workdir: Path, index: int, ports: tuple[int, int, int], consumer_timeout_ms: int | None,
             env: dict[str, str]) -> ClusterNode:
    from pytest_rabbitmq.factories.executor import RabbitMqExecutor  # its package imports pytest

    server = find_rabbitmq_server()
    assert server is not None
    amqp_port, dist_port, mgmt_port = ports
    (workdir / "plugins").mkdir(parents=True)
    (workdir / "log").mkdir()
    (workdir / "plugins" / "plugins").write_text("[rabbitmq_management].\n")
    config = workdir / "rabbitmq.conf"
    config.write_text(rabbit_config(amqp_port, mgmt_port, consumer_timeout_ms)
                      + "cluster_partition_handling = autoheal\n")
    name = f"harness-n{index}-{amqp_port}@localhost"
    executor = RabbitMqExecutor(server, "127.0.0.1", amqp_port, dist_port, RABBITMQCTL, workdir / "log", workdir,
                                workdir / "plugins", node_name=name)
    executor._envvars.update(env, RABBITMQ_CONFIG_FILE=str(config), RABBITMQ_NODE_IP_ADDRESS="127.0.0.1",
                             RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=f"-kernel net_ticktime {NET_TICKTIME_S} "
                                                                 "-kernel inet_dist_use_interface {127,0,0,1}")
    executor._stdout = executor._stderr = (workdir / "log" / "console.log").open("w")
    return ClusterNode(index, name, ports, workdir, executor)
