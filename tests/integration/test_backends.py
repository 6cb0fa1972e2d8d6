"""Each provisioning back-end yields a working broker (AMQP + management) and database."""

from __future__ import annotations

import os
import signal

import httpx
import pika
import pytest
import sqlalchemy

from harness.config import ServiceSettings
from harness.errors import ServiceUnavailable
from harness.services import choose
from harness.services.base import Services
from harness.services.docker import DockerBackend, docker_engine_answers
from harness.services.external import ExternalBackend
from harness.services.isolation import isolated
from harness.services.local import LocalBackend, LocalRabbit

pytestmark = pytest.mark.live


def assert_usable(services: Services) -> None:
    broker = services.broker
    connection = pika.BlockingConnection(pika.URLParameters(broker.amqp_url))
    connection.close()
    overview = httpx.get(f"{broker.management_url}/api/overview", auth=(broker.user, broker.password), timeout=5)
    assert overview.status_code == 200
    engine = sqlalchemy.create_engine(services.database.url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT 1").scalar() == 1
    engine.dispose()


@pytest.mark.docker
def test_docker_backend() -> None:
    ok, why = docker_engine_answers()
    if not ok:
        pytest.skip(f"docker back-end not exercised here: {why}")
    with DockerBackend().provide() as services:
        assert_usable(services)


@pytest.mark.slow
def test_local_backend_and_isolation_and_a_node_that_died_starts_again() -> None:
    with LocalBackend().provide() as services, isolated(services, "unit-local") as run:
        assert run.broker.vhost == "harness-unit-local" and run.database.name == "harness_unit_local"
        assert_usable(run)
        control = services.controls.broker
        assert isinstance(control, LocalRabbit)
        process = control._executor.process
        assert process is not None
        os.killpg(process.pid, signal.SIGKILL)  # the node dies behind the harness's back
        process.wait(10)
        control.start()
        assert_usable(run)


def test_external_backend_isolates_each_run() -> None:
    with (ExternalBackend(ServiceSettings()).provide() as services, isolated(services, "unit-a") as a,
          isolated(services, "unit-b") as b):
        assert a.broker.vhost != b.broker.vhost
        assert_usable(a)
        assert_usable(b)


def test_auto_picks_the_first_that_works_and_says_which() -> None:
    backend = choose(ServiceSettings(backend="auto"))
    expected = "docker" if docker_engine_answers()[0] else "local"
    assert backend.name == expected


def test_requested_backend_that_cannot_work_is_one_line() -> None:
    if docker_engine_answers()[0]:
        pytest.skip("a Docker engine answers here, so the docker back-end cannot be refused")
    with pytest.raises(ServiceUnavailable) as caught:
        choose(ServiceSettings(backend="docker"))
    assert str(caught.value).startswith("--services docker: no Docker engine answers")
    assert "\n" not in str(caught.value)
