"""Readiness: bounded polling with a log tail on timeout (no sleeps standing in for readiness)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from harness import tls
from harness.endpoints import Broker
from harness.errors import StartupTimeout
from harness.waiting import wait_for


def wait_until(ready: Callable[[], bool], timeout_s: float, what: str,
               log_tail: Callable[[], str] = lambda: "", interval_s: float = 0.1,
               alive: Callable[[], bool] = lambda: True) -> None:
    """Poll ``ready`` until it holds; raise :class:`StartupTimeout` with the log tail otherwise."""
    def up() -> bool:
        if ready():
            return True
        if not alive():
            raise StartupTimeout(f"{what} (process exited)", 0, log_tail())
        return False

    if not wait_for(up, timeout_s, interval_s):
        raise StartupTimeout(what, timeout_s, log_tail())


def tail(path: Path, lines: int = 20) -> str:
    """The last ``lines`` lines of a log file, or of the newest file in a log directory."""
    if path.is_dir():
        files = sorted((p for p in path.rglob("*") if p.is_file()), key=lambda p: p.stat().st_mtime)
        if not files:
            return ""
        path = files[-1]
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def management_ready(broker: Broker) -> bool:
    """Whether the broker's management API answers (``/api/overview``, 200)."""
    import httpx

    try:
        response = httpx.get(f"{broker.management_url}/api/overview", auth=(broker.user, broker.password),
                             timeout=2, verify=tls.context())
    except httpx.HTTPError:
        return False
    return response.status_code == 200
