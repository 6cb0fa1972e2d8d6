"""Redis as the target's broker (the set-up the migration leaves), for ``harness ab``.

Three forms, like RabbitMQ and PostgreSQL: testcontainers' Redis, a local ``redis-server`` on a free
port with no persistence, or a server the user names. A run never shares a keyspace with anything
else: a local or container server is its own, and on an external server the run claims an empty
logical database (``SELECT n``) and empties it again when it ends.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import redis
from mirakuru import TCPExecutor
from mirakuru.exceptions import ExecutorError

from harness.endpoints import RedisServer
from harness.errors import ServiceUnavailable
from harness.redact import mask_url_passwords
from harness.services.docker import docker_engine_answers
from harness.services.ports import listening_port

REDIS_IMAGE = "redis:7-alpine"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
CLAIM_KEY = "harness:run"  # the marker a run leaves in the logical database it claimed
REDIS_ORDER = ("docker", "local", "external")


def redis_answers(url: str) -> tuple[bool, str]:
    try:
        with redis.Redis.from_url(url, socket_timeout=3, socket_connect_timeout=3) as client:
            client.ping()
    except (redis.RedisError, OSError, ValueError) as exc:
        return False, f"Redis at {mask_url_passwords(url)} does not answer ({type(exc).__name__}: {exc})"
    return True, f"Redis answers at {mask_url_passwords(url)}"


def local_redis_available() -> tuple[bool, str]:
    if shutil.which("redis-server") is None:
        return False, "redis-server not installed (apt-get install redis-server)"
    return True, "redis-server found"


@contextmanager
def local_redis() -> Iterator[RedisServer]:
    """A throwaway ``redis-server`` on a free loopback port: no RDB, no AOF, removed on exit."""
    with tempfile.TemporaryDirectory(prefix="harness-redis-") as workdir:
        port = listening_port()
        command = (f"{shutil.which('redis-server')} --bind 127.0.0.1 --port {port} --save '' --appendonly no "
                   f"--dir {workdir} --logfile {Path(workdir) / 'redis.log'}")
        executor = TCPExecutor(command, host="127.0.0.1", port=port, timeout=30, shell=True)
        try:
            executor.start()
        except ExecutorError as exc:
            executor.kill()
            raise ServiceUnavailable(f"local redis-server did not start: {exc}") from None
        try:
            yield RedisServer(f"redis://127.0.0.1:{port}/0", "local")
        finally:
            executor.stop()


@contextmanager
def docker_redis() -> Iterator[RedisServer]:
    from testcontainers.redis import RedisContainer

    with RedisContainer(REDIS_IMAGE) as container:
        host, port = container.get_container_host_ip(), container.get_exposed_port(6379)
        yield RedisServer(f"redis://{host}:{port}/0", "docker")


@contextmanager
def claimed_database(server: RedisServer, run_id: str) -> Iterator[RedisServer]:
    """An empty logical database of a shared server, claimed for this run and emptied afterwards."""
    with server.client() as client:
        databases = int(client.config_get("databases").get("databases", 16))
    for db in range(databases - 1, 0, -1):  # db 0 is the one applications use by default: never taken
        candidate = server.in_db(db)
        with candidate.client() as client:
            if client.dbsize() == 0 and client.set(CLAIM_KEY, run_id, nx=True):
                try:
                    yield candidate
                finally:
                    client.flushdb()
                return
    raise ServiceUnavailable(f"no empty logical database on Redis at {mask_url_passwords(server.url)}")


def redis_forms(url: str | None) -> dict[str, tuple[Any, Any]]:
    """Each form's (availability, provider) in the order ``auto`` tries them."""
    external = url or DEFAULT_REDIS_URL
    return {
        "docker": (docker_engine_answers, docker_redis),
        "local": (local_redis_available, local_redis),
        "external": (lambda: redis_answers(external), lambda: _external(external)),
    }


@contextmanager
def _external(url: str) -> Iterator[RedisServer]:
    yield RedisServer(url, "external")


def redis_doctor(url: str | None) -> list[tuple[str, bool, str]]:
    return [(f"redis/{name}", *available()) for name, (available, _) in redis_forms(url).items()]


@contextmanager
def provide_redis(backend: str, url: str | None, run_id: str) -> Iterator[RedisServer]:
    """Redis in the requested form (or under ``auto`` the first that works), isolated for this run."""
    forms = redis_forms(url)
    names = REDIS_ORDER if backend == "auto" else (backend,)
    reasons = []
    for name in names:
        ok, why = forms[name][0]()
        if ok:
            with ExitStack() as stack:
                server = stack.enter_context(forms[name][1]())
                if name == "external":
                    server = stack.enter_context(claimed_database(server, run_id))
                yield server
            return
        reasons.append(f"{name}: {why}")
    raise ServiceUnavailable("no Redis for the broker (" + "; ".join(reasons) + ")")
