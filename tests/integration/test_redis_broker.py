"""Redis as the target's broker: the three provisioning forms, isolation, and the tap through kombu's
binding tables, against a real redis-server (local processes and the machine's own server)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from harness.endpoints import RedisServer
from harness.errors import ServiceUnavailable
from harness.probes.redis_tap import BINDING_PREFIX, RedisTap, list_depths
from harness.services.docker import docker_engine_answers
from harness.services.redis import CLAIM_KEY, provide_redis, redis_answers
from tests.conftest import OLD_PYTHON

pytestmark = [pytest.mark.live]
SHARED = "redis://127.0.0.1:6379/0"
needs_server = pytest.mark.skipif(not redis_answers(SHARED)[0], reason="no Redis answers on 127.0.0.1:6379")
needs_binary = pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")

PUBLISH = """
import sys
from kombu import Connection, Exchange, Queue
exchange = Exchange("ai_agent", type="topic")
with Connection(sys.argv[1]) as conn:
    queue = Queue("ai_generation", exchange, routing_key="ai.*")
    queue(conn.default_channel).declare()
    print("declared", flush=True)
    sys.stdin.readline()
    conn.Producer().publish({"k": 1}, exchange=exchange, routing_key="ai.generate.code", headers={"id": "t-1"},
                            priority=9)
"""


def _redis_servers() -> set[int]:
    out = subprocess.run(["pgrep", "-f", "harness-redis-"], capture_output=True, text=True, check=False).stdout
    return {int(p) for p in out.split()}


@needs_binary
def test_local_redis_runs_on_its_own_port_and_is_gone_afterwards() -> None:
    with provide_redis("local", None, "t-local") as server:
        assert server.backend == "local" and not server.url.endswith(":6379/0")
        with server.client() as client:
            assert client.ping() and client.config_get("save")["save"] == ""
            assert client.config_get("appendonly")["appendonly"] == "no"
        assert _redis_servers()
    time.sleep(0.5)
    assert _redis_servers() == set()


@needs_server
def test_an_external_server_lends_an_empty_database_and_gets_it_back_empty() -> None:
    with provide_redis("external", SHARED, "t-ext") as server:
        assert server.db != 0
        with server.client() as client:
            assert client.get(CLAIM_KEY) == b"t-ext"
            client.set("left-behind", "x")
        with provide_redis("external", SHARED, "t-ext-2") as other:
            assert other.db != server.db  # a second run at the same time gets a database of its own
    with redis.Redis.from_url(server.url) as client:
        assert client.dbsize() == 0


def test_no_redis_at_all_is_a_one_line_reason() -> None:
    expected = r"^no Redis for the broker \(external: Redis at redis://127.0.0.1:1/0 does not answer"
    with pytest.raises(ServiceUnavailable, match=expected), provide_redis("external", "redis://127.0.0.1:1/0", "t"):
        pass


def _copies_seen(python: Path, url: str) -> tuple[list[str], int]:
    """Declare the binding with ``python``'s kombu, start the tap, then publish with the same kombu."""
    publisher = subprocess.Popen([str(python), "-c", PUBLISH, url], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 text=True)
    assert publisher.stdout is not None and publisher.stdin is not None
    assert publisher.stdout.readline().strip() == "declared"
    tap = RedisTap(RedisServer(url)).start()
    try:
        publisher.stdin.write("\n")
        publisher.stdin.flush()
        publisher.wait(timeout=20)
        tap.wait_for(lambda: bool(tap.observations()), 2)
        queued = list_depths(RedisServer(url), ["ai_generation"])["ai_generation"]
        return [o.queue for o in tap.observations()], queued
    finally:
        tap.stop()
        with redis.Redis.from_url(url) as client:
            left = [m for m in client.smembers(BINDING_PREFIX + "ai_agent") if b"harness.tap" in m]
        assert left == []  # the tap takes its members out of the target's table


@needs_binary
@pytest.mark.parametrize(("python", "reaches"), [
    pytest.param(Path(sys.executable), False, id="kombu-5.7"),
    pytest.param(OLD_PYTHON, True, id="kombu-5.2",
                 marks=pytest.mark.skipif(not OLD_PYTHON.exists(), reason="no .venv-celery5old (make test builds it)")),
])
def test_the_tap_routes_copies_with_the_publishers_own_kombu(python: Path, reaches: bool) -> None:
    """'ai.*' and 'ai.generate.code': kombu up to 5.6.2 matches, 5.7 does not; the tap copies exactly that."""
    with provide_redis("local", None, "t-tap") as server:
        seen, queued = _copies_seen(python, server.url)
    assert seen == (["ai_generation"] if reaches else [])
    assert queued == (1 if reaches else 0)


def test_the_docker_form_runs_redis_in_a_container_or_says_why_not() -> None:
    engine, why = docker_engine_answers()
    if not engine:
        expected = r"^no Redis for the broker \(docker: no Docker engine answers"
        with pytest.raises(ServiceUnavailable, match=expected), provide_redis("docker", None, "t-docker"):
            pass
        pytest.skip(f"the docker form was not started: {why}")
    with provide_redis("docker", None, "t-docker") as server, server.client() as client:
        assert server.backend == "docker" and client.ping()
