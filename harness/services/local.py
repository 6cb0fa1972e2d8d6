"""Local back-end: ephemeral rabbitmq-server and postgres processes in a temporary directory.

Built on pytest-rabbitmq's and pytest-postgresql's mirakuru executors, imported only when a server starts:
pytest-rabbitmq's package loads pytest, and importing this module (and every layer that reaches it) must
not. Two adaptations:
- RabbitMQ gets a config file (loopback-only listeners, the management plugin on its own port, fast
  statistics) through extra environment variables on the executor.
- ``pg_ctl`` refuses to run as root, so when the harness is root the executor is given a small wrapper
  that runs ``pg_ctl`` as the ``postgres`` user, and the data directory is handed to that user.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from mirakuru.exceptions import ExecutorError

from harness.endpoints import Broker, Database
from harness.errors import ServiceUnavailable, StartupTimeout
from harness.services.base import Controls, Services
from harness.services.ports import listening_port
from harness.services.readiness import management_ready, tail, wait_until

if TYPE_CHECKING:
    from pytest_postgresql.executors.proc import PostgreSQLExecutor
    from pytest_rabbitmq.factories.executor import RabbitMqExecutor

RABBIT_CANDIDATES = ("/usr/lib/rabbitmq/bin/rabbitmq-server", "/usr/sbin/rabbitmq-server")
RABBITMQCTL = "/usr/lib/rabbitmq/bin/rabbitmqctl"
PG_BIN_GLOB = "/usr/lib/postgresql/*/bin/pg_ctl"
EXECUTOR_PACKAGES = ("pytest_rabbitmq", "pytest_postgresql")  # the extra ``local``: the servers' executors
LOCAL_USER = "harness"
LOCAL_PASSWORD = "harness-local"
CLUSTER_WHY_NOT = ("the broker is a cluster: its faults act on one node at a time (--faults cluster: node_kill, "
                   "node_stop, rolling_restart, node_isolate)")


def find_rabbitmq_server() -> str | None:
    for candidate in RABBIT_CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("rabbitmq-server")


def find_pg_ctl() -> str | None:
    found = sorted(Path("/").glob(PG_BIN_GLOB.lstrip("/")), reverse=True)
    return str(found[0]) if found else shutil.which("pg_ctl")


class LocalBackend:
    """Ephemeral servers on free loopback ports, removed on exit."""

    name = "local"

    def __init__(self, consumer_timeout_ms: int | None = None, run_id: str = "", nodes: int = 1) -> None:
        self.consumer_timeout_ms, self.run_id, self.nodes = consumer_timeout_ms, run_id, nodes

    def marks(self) -> dict[str, str]:
        """Environment given to the servers: their processes carry the run's id (leftover checks find them)."""
        return {"HARNESS_RUN_ID": self.run_id} if self.run_id else {}

    def availability(self) -> tuple[bool, str]:
        missing = [n for n, p in (("rabbitmq-server", find_rabbitmq_server()), ("pg_ctl", find_pg_ctl()))
                   if p is None]
        if missing:
            return False, f"{' and '.join(missing)} not installed (apt-get install rabbitmq-server postgresql)"
        executors = [name for name in EXECUTOR_PACKAGES if importlib.util.find_spec(name) is None]
        if executors:
            return False, (f"{' and '.join(executors)} not installed: the harness's optional extra "
                           "(pip install 'migration-harness[local]')")
        if self.nodes > 1 and shutil.which("epmd") is None:
            return False, "epmd not installed (it comes with Erlang), needed for --nodes"
        if os.geteuid() == 0 and shutil.which("runuser") is None:
            return False, "running as root without runuser to start postgres as another user"
        return True, "rabbitmq-server and pg_ctl found"

    @contextmanager
    def provide(self) -> Iterator[Services]:
        ok, why = self.availability()
        if not ok:
            raise ServiceUnavailable(f"local back-end unavailable: {why}")
        with ExitStack() as stack:
            prefix = f"harness-local-{self.run_id}-" if self.run_id else "harness-local-"
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=prefix)))
            workdir.chmod(0o711)  # postgres, when started as its own user, must reach its subdirectory
            if self.nodes > 1:
                yield stack.enter_context(self._with_cluster(stack, workdir))
                return
            broker, rabbit = stack.enter_context(rabbit_node(workdir / "rabbit", self.consumer_timeout_ms,
                                                             self.marks()))
            database, postgres = stack.enter_context(postgres_cluster(workdir / "pg", self.marks()))
            yield Services("local", broker, database, Controls(rabbit, postgres))

    @contextmanager
    def _with_cluster(self, stack: ExitStack, workdir: Path) -> Iterator[Services]:
        """``--nodes N``: a local cluster of N RabbitMQ nodes (:mod:`harness.services.cluster`)."""
        from harness.services.cluster import local_cluster

        broker, cluster = stack.enter_context(local_cluster(workdir / "rabbit", self.nodes, self.consumer_timeout_ms,
                                                            self.marks()))
        database, postgres = stack.enter_context(postgres_cluster(workdir / "pg", self.marks()))
        yield Services("local", broker, database, Controls(None, postgres, CLUSTER_WHY_NOT, cluster))


def rabbit_config(amqp_port: int, mgmt_port: int, consumer_timeout_ms: int | None) -> str:
    lines = [
        f"listeners.tcp.1 = 127.0.0.1:{amqp_port}",
        "management.tcp.ip = 127.0.0.1",
        f"management.tcp.port = {mgmt_port}",
        "collect_statistics_interval = 1000",
        "loopback_users = none",
        f"default_user = {LOCAL_USER}",
        f"default_pass = {LOCAL_PASSWORD}",
        "log.console = false",
    ]
    if consumer_timeout_ms is not None:
        lines.append(f"consumer_timeout = {consumer_timeout_ms}")
    return "\n".join(lines) + "\n"


class LocalRabbit:
    """The local node's stop (SIGTERM: a clean shutdown) and start (same ports, same data directory)."""

    how = "SIGTERM to the local rabbitmq-server, then a start on the same ports and data directory"

    def __init__(self, executor: RabbitMqExecutor, broker: Broker, log_dir: Path) -> None:
        self._executor, self._broker, self._log_dir = executor, broker, log_dir

    def stop(self) -> None:
        self._executor.stop()

    def eval(self, expression: str) -> str:
        """``rabbitmqctl eval`` on this node (to change a ``rabbit`` setting while it runs); its output."""
        return self._executor.rabbitctl_output("eval", expression).strip()

    def crash(self, hung_s: float) -> None:
        """SIGSTOP the node (it hangs while the kernel still takes its clients' bytes), then SIGKILL it
        after ``hung_s``: whatever was written to it meanwhile is gone, as in a crash."""
        process = self._executor.process
        group = os.getpgid(process.pid) if process is not None else None
        if group is not None and group != os.getpgrp():  # never signal the harness's own group
            os.killpg(group, signal.SIGSTOP)
            time.sleep(max(0.0, min(hung_s, 60.0)))
        self._executor.kill()

    def start(self) -> None:
        """Start the node again; a second try after a moment, since a node killed an instant ago may still
        hold its name or its ports. A node that exited on its own is forgotten first, so it starts afresh."""
        if not self._executor.running():
            self._executor.kill()
        for attempt in (1, 2):
            try:
                self._executor.start()
                break
            except ExecutorError as exc:
                self._executor.kill()
                if attempt == 2:
                    raise StartupTimeout(f"local rabbitmq-server, started again ({type(exc).__name__}: {exc})",
                                         60, tail(self._log_dir / "console.log")) from None
                time.sleep(3)
        wait_until(lambda: management_ready(self._broker), 60, "RabbitMQ management API",
                   lambda: tail(self._log_dir), alive=self._executor.running)


class LocalPostgres:
    """The local cluster's stop (``pg_ctl stop -m fast``) and start (same port, same data directory)."""

    how = "pg_ctl stop -m fast on the local postgres, then a start on the same port and data directory"

    def __init__(self, executor: PostgreSQLExecutor, log: Path) -> None:
        self._executor, self._log = executor, log

    def stop(self) -> None:
        self._executor.stop()

    def start(self) -> None:
        start_server(self._executor, "local postgres", self._log)


@contextmanager
def local_rabbitmq(workdir: Path, consumer_timeout_ms: int | None = None) -> Iterator[Broker]:
    """A RabbitMQ node with the management plugin, on free loopback ports."""
    with rabbit_node(workdir, consumer_timeout_ms) as (broker, _control):
        yield broker


@contextmanager
def rabbit_node(workdir: Path, consumer_timeout_ms: int | None = None,
                env: dict[str, str] | None = None) -> Iterator[tuple[Broker, LocalRabbit]]:
    """:func:`local_rabbitmq`, with the handle that stops and starts the node (``env``: added to its own)."""
    from pytest_rabbitmq.factories.executor import RabbitMqExecutor  # its package imports pytest

    server = find_rabbitmq_server()
    assert server is not None
    amqp_port = listening_port()
    dist_port = listening_port({amqp_port})
    mgmt_port = listening_port({amqp_port, dist_port})
    (workdir / "plugins").mkdir(parents=True)
    (workdir / "log").mkdir()
    (workdir / "plugins" / "plugins").write_text("[rabbitmq_management].\n")
    config = workdir / "rabbitmq.conf"
    config.write_text(rabbit_config(amqp_port, mgmt_port, consumer_timeout_ms))
    executor = RabbitMqExecutor(server, "127.0.0.1", amqp_port, dist_port, RABBITMQCTL, workdir / "log",
                                workdir, workdir / "plugins", node_name=f"harness-{amqp_port}@localhost")
    executor._envvars.update(env or {}, RABBITMQ_CONFIG_FILE=str(config), RABBITMQ_NODE_IP_ADDRESS="127.0.0.1")
    executor._stdout = executor._stderr = (workdir / "log" / "console.log").open("w")
    broker = Broker("127.0.0.1", amqp_port, LOCAL_USER, LOCAL_PASSWORD,
                    management_url=f"http://127.0.0.1:{mgmt_port}")
    try:
        start_server(executor, "local rabbitmq-server", workdir / "log")
        wait_until(lambda: management_ready(broker), 60, "RabbitMQ management API",
                   lambda: tail(workdir / "log"))
        yield broker, LocalRabbit(executor, broker, workdir / "log")
    finally:
        stop_server(executor)


def _pg_ctl_wrapper(workdir: Path, pg_ctl: str) -> str:
    """``pg_ctl`` itself, or a wrapper running it as ``postgres`` when we are root."""
    if os.geteuid() != 0:
        return pg_ctl
    wrapper = workdir / "pg_ctl"
    wrapper.write_text(f'#!/bin/sh\ncd /\nexec runuser -u postgres -- "{pg_ctl}" "$@"\n')
    wrapper.chmod(0o755)
    shutil.chown(workdir, "postgres", "postgres")
    return str(wrapper)


@contextmanager
def local_postgres(workdir: Path) -> Iterator[Database]:
    """A PostgreSQL cluster with trust auth, on a free loopback port."""
    with postgres_cluster(workdir) as (database, _control):
        yield database


@contextmanager
def postgres_cluster(workdir: Path, env: dict[str, str] | None = None) -> Iterator[tuple[Database, LocalPostgres]]:
    """:func:`local_postgres`, with the handle that stops and starts the cluster (``env``: added to its own)."""
    from pytest_postgresql.executors.proc import PostgreSQLExecutor

    pg_ctl = find_pg_ctl()
    assert pg_ctl is not None
    workdir.mkdir(parents=True)
    port = listening_port()
    executor = PostgreSQLExecutor(_pg_ctl_wrapper(workdir, pg_ctl), "127.0.0.1", port, str(workdir / "data"),
                                  str(workdir), str(workdir / "postgres.log"), "-w", "postgres",
                                  user="postgres", timeout=60)
    executor._envvars.update(env or {})
    try:
        start_server(executor, "local postgres", workdir / "postgres.log")
        database = Database(f"postgresql://postgres@127.0.0.1:{port}/postgres")
        yield database, LocalPostgres(executor, workdir / "postgres.log")
    finally:
        stop_server(executor)


def start_server(executor: RabbitMqExecutor | PostgreSQLExecutor, what: str, log: Path) -> None:
    try:
        executor.start()
    except ExecutorError as exc:
        stop_server(executor)
        raise StartupTimeout(what, float(getattr(executor, "_timeout", 60) or 60), tail(log)) from exc
    except subprocess.CalledProcessError as exc:
        stop_server(executor)
        raise ServiceUnavailable(f"{what} could not start (exit {exc.returncode}): {tail(log, 1)}") from None
    except OSError as exc:
        stop_server(executor)
        raise ServiceUnavailable(f"{what} could not start: {exc.strerror or exc}") from None


def stop_server(executor: RabbitMqExecutor | PostgreSQLExecutor) -> None:
    try:
        executor.stop()
    except (ExecutorError, OSError, ValueError, subprocess.SubprocessError):
        executor.kill()
