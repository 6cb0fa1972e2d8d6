"""Provisioning: RabbitMQ and PostgreSQL from Docker, local processes, or given servers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from harness.config import ServiceSettings
from harness.endpoints import Broker, Database
from harness.errors import ServiceUnavailable
from harness.services.base import Backend, Services
from harness.services.docker import DockerBackend
from harness.services.external import ExternalBackend
from harness.services.local import LocalBackend

__all__ = ["Broker", "Database", "Services", "backends", "doctor", "provide"]

AUTO_ORDER = ("docker", "local", "external")


def backends(settings: ServiceSettings, consumer_timeout_ms: int | None = None,
             run_id: str = "") -> dict[str, Backend]:
    """Every back-end, in the order ``auto`` tries them (``run_id`` marks the local servers' processes)."""
    return {
        "docker": DockerBackend(),
        "local": LocalBackend(consumer_timeout_ms, run_id, settings.nodes),
        "external": ExternalBackend(settings),
    }


def doctor(settings: ServiceSettings) -> list[tuple[str, bool, str]]:
    """Each back-end's availability and the reason when it is not available."""
    return [(name, *backend.availability()) for name, backend in backends(settings).items()]


def choose(settings: ServiceSettings, consumer_timeout_ms: int | None = None, run_id: str = "") -> Backend:
    """The requested back-end, or under ``auto`` the first one that works here."""
    candidates = backends(settings, consumer_timeout_ms, run_id)
    if settings.backend != "auto":
        backend = candidates[settings.backend]
        ok, why = backend.availability()
        if not ok:
            raise ServiceUnavailable(f"--services {settings.backend}: {why}")
        return backend
    reasons = []
    for name in AUTO_ORDER:
        ok, why = candidates[name].availability()
        if ok:
            return candidates[name]
        reasons.append(f"{name}: {why}")
    raise ServiceUnavailable("no provisioning back-end works here (" + "; ".join(reasons) + ")")


@contextmanager
def provide(settings: ServiceSettings, consumer_timeout_ms: int | None = None,
            run_id: str = "") -> Iterator[Services]:
    with choose(settings, consumer_timeout_ms, run_id).provide() as services:
        yield services
