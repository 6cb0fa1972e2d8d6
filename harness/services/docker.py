"""Docker back-end: testcontainers' RabbitMQ (management image) and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from harness.errors import ServiceUnavailable
from harness.services.base import Broker, Database, Services

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
            yield Services("docker", _broker_of(rabbit), _database_of(pg))


def _broker_of(container: Any) -> Broker:
    host = container.get_container_host_ip()
    return Broker(host, int(container.get_exposed_port(5672)), container.username, container.password,
                  management_url=f"http://{host}:{container.get_exposed_port(15672)}")


def _database_of(container: Any) -> Database:
    return Database(container.get_connection_url())
