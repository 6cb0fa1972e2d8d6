"""What every provisioning back-end yields: a broker and a database (their addresses: :mod:`harness.endpoints`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from harness.endpoints import Broker, Database, RedisServer

if TYPE_CHECKING:
    from harness.services.cluster import LocalCluster


class ServerControl(Protocol):
    """Stops and starts one server a back-end runs, keeping its address and its data (fault injection)."""

    how: str  # what stop and start do, for the report: "SIGTERM to the local rabbitmq-server, ..."

    def stop(self) -> None:
        """The server stops answering (returns once it is down)."""
        ...

    def start(self) -> None:
        """The server answers again at the same address, with the same data (returns once it is ready)."""
        ...


class CrashableServer(ServerControl, Protocol):
    """A server that can also be crashed: hung first, then killed (``start`` brings it back)."""

    def crash(self, hung_s: float) -> None:
        ...


@dataclass(frozen=True)
class Controls:
    """Handles on the servers a back-end started; ``None`` where it cannot stop one, and why."""

    broker: ServerControl | None = None
    database: ServerControl | None = None
    why_not: str = "this back-end started no server of its own"
    cluster: LocalCluster | None = None  # ``--nodes N``: the local cluster's nodes (``broker`` is then None)


@dataclass(frozen=True)
class Services:
    backend: str
    broker: Broker
    database: Database
    controls: Controls = field(default_factory=Controls, compare=False, repr=False)
    redis: RedisServer | None = None  # set when the target's broker is Redis (RabbitMQ stays the harness's)

    @property
    def broker_url(self) -> str:
        """The target's ``CELERY_BROKER_URL``."""
        return self.redis.url if self.redis is not None else self.broker.failover_url

    @property
    def broker_kind(self) -> str:
        return "redis" if self.redis is not None else "rabbitmq"


def database_error_line(exc: Exception) -> str:
    """The first line of a database driver's error, without credentials."""
    from harness.redact import mask_url_passwords

    text = str(getattr(exc, "orig", None) or exc).strip()
    return mask_url_passwords(text.splitlines()[0]) if text else type(exc).__name__


class Backend(Protocol):
    """A way to obtain RabbitMQ and PostgreSQL."""

    name: str

    def availability(self) -> tuple[bool, str]:
        """Whether this back-end can work here, and why not when it cannot."""
        ...

    def provide(self) -> AbstractContextManager[Services]:
        """Start (or connect to) the services; stop what was started on exit."""
        ...


ServicesContext = Iterator[Services]
