"""Docker back-end: testcontainers' RabbitMQ (management image) and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from harness.endpoints import Broker, Database
from harness.errors import ServiceUnavailable
from harness.services.base import Controls, Services
from harness.services.readiness import management_ready, wait_until

RABBIT_IMAGE = "rabbitmq:3.12-management-alpine"
POSTGRES_IMAGE = "postgres:16-alpine"


def docker_engine_answers() -> tuple[bool, str]:
    """Ping the Docker engine the way testcontainers will reach it."""
    try:
        import docker

        client = docker.from_env(timeout=3)
        client.ping()
        client.close()
    except Exception as exc:  # the docker SDK raises many unrelated types here
        reason = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
        return False, f"no Docker engine answers ({reason})"
    return True, "Docker engine answers"


class DockerBackend:
    """Throwaway containers, removed on exit by testcontainers."""

    name = "docker"

    def availability(self) -> tuple[bool, str]:
        return docker_engine_answers()

    @contextmanager
    def provide(self) -> Iterator[Services]:
        ok, why = self.availability()
        if not ok:
            raise ServiceUnavailable(f"docker back-end unavailable: {why}")
        from testcontainers.postgres import PostgresContainer
        from testcontainers.rabbitmq import RabbitMqContainer

        with ExitStack() as stack:
            rabbit: Any = stack.enter_context(RabbitMqContainer(RABBIT_IMAGE).with_exposed_ports(5672, 15672))
            pg: Any = stack.enter_context(PostgresContainer(POSTGRES_IMAGE, driver=None))
            broker = _broker_of(rabbit)
            controls = Controls(DockerRabbit(rabbit, broker), DockerPostgres(pg))
            yield Services("docker", broker, _database_of(pg), controls)


def _broker_of(container: Any) -> Broker:
    host = container.get_container_host_ip()
    return Broker(host, int(container.get_exposed_port(5672)), container.username, container.password,
                  management_url=f"http://{host}:{container.get_exposed_port(15672)}")


def _database_of(container: Any) -> Database:
    return Database(container.get_connection_url())


class DockerRabbit:
    """The node's application stopped and started inside its container (``rabbitmqctl`` through the
    Docker API), so the container, its published ports and its data stay."""

    how = "rabbitmqctl stop_app, then start_app, in the RabbitMQ container (Docker exec)"

    def __init__(self, container: Any, broker: Broker) -> None:
        self._container, self._broker = container, broker

    def _ctl(self, command: str) -> None:
        code, output = self._container.get_wrapped_container().exec_run(["rabbitmqctl", command])
        if code != 0:
            text = output.decode(errors="replace").strip().splitlines() if output else []
            raise ServiceUnavailable(f"rabbitmqctl {command} failed: {text[-1] if text else code}")

    def stop(self) -> None:
        self._ctl("stop_app")

    def start(self) -> None:
        self._ctl("start_app")
        wait_until(lambda: management_ready(self._broker), 60, "RabbitMQ management API")


class DockerPostgres:
    """The PostgreSQL container paused and unpaused (Docker API): unreachable meanwhile, its port kept
    (a restarted container could get another published port)."""

    how = "docker pause, then unpause, of the PostgreSQL container"

    def __init__(self, container: Any) -> None:
        self._container = container

    def stop(self) -> None:
        self._container.get_wrapped_container().pause()

    def start(self) -> None:
        self._container.get_wrapped_container().unpause()
