"""Serve the emulator with uvicorn in a background thread, for targets running in other processes."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn

from harness.errors import StartupTimeout
from harness.monday.app import create_app
from harness.monday.config import EmulatorConfig
from harness.waiting import poll

_POLL_INTERVAL_S = 0.02


@contextmanager
def serve_emulator(
    config: EmulatorConfig | None = None,
    *,
    startup_timeout_s: float = 10.0,
    shutdown_timeout_s: float = 5.0,
) -> Iterator[str]:
    """Run an emulator on 127.0.0.1 and a free port; yield its base URL; stop it on exit.

    The port is bound before uvicorn starts, so it cannot be taken in between. Readiness is
    polled on ``/_emulator/health`` for at most ``startup_timeout_s``.
    """
    sock = _bind_free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(config), log_level="warning", access_log=False, lifespan="off")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="monday-emulator")
    thread.daemon = True
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    thread.start()
    try:
        _wait_ready(server, thread, base_url, startup_timeout_s)
        yield base_url
    finally:
        _stop(server, thread, shutdown_timeout_s)
        sock.close()


def _bind_free_port() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


def _wait_ready(server: uvicorn.Server, thread: threading.Thread, base_url: str, timeout_s: float) -> None:
    def problem() -> str:
        if not thread.is_alive():
            raise StartupTimeout("Monday emulator", timeout_s, "the server thread exited during start-up")
        return _probe(base_url) if server.started else "server did not report started"

    last_error = poll(problem, lambda error: not error, timeout_s, _POLL_INTERVAL_S)
    if last_error:
        raise StartupTimeout("Monday emulator", timeout_s, last_error)


def _probe(base_url: str) -> str:
    """An empty string when the health endpoint answers 200, else why not."""
    try:
        response = httpx.get(f"{base_url}/_emulator/health", timeout=1.0, trust_env=False)
    except httpx.HTTPError as exc:
        return f"health probe failed: {type(exc).__name__}"
    return "" if response.status_code == 200 else f"health probe answered {response.status_code}"


def _stop(server: uvicorn.Server, thread: threading.Thread, timeout_s: float) -> None:
    server.should_exit = True
    thread.join(timeout_s)
    if thread.is_alive():
        server.force_exit = True
        thread.join(timeout_s)
