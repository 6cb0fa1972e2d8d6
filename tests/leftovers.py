"""What a run may leave behind: processes, vhosts, databases, temporary folders."""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

import httpx
import sqlalchemy

RUN_LINE = re.compile(r"run (\d{8}-\d{6}-[0-9a-f]{6})")


def run_id_in(text: str) -> str:
    found = RUN_LINE.search(text)
    assert found, f"no run id printed: {text[-500:]}"
    return found.group(1)


def processes_of(run_id: str) -> list[int]:
    """Live processes started for ``run_id`` (by their environment or their working folders)."""
    marker = f"harness-{run_id}".encode()
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            blob = (proc / "environ").read_bytes() + (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if f"HARNESS_RUN_ID={run_id}".encode() in blob or marker in blob:
            found.append(int(proc.name))
    return found


def command_line(pid: int) -> bytes:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        return b""


def local_servers(run_id: str) -> list[int]:
    """Live processes of ``run_id``'s local RabbitMQ node and PostgreSQL cluster (``--services local``):
    they carry the run's id in their environment and their folder (``harness-local-<run id>-``)."""
    marker = f"harness-local-{run_id}-".encode()
    return [pid for pid in processes_of(run_id) if marker in command_line(pid)]


def local_postgres(run_id: str) -> list[int]:
    """The postmaster of ``run_id``'s local PostgreSQL cluster (a list: empty while it is stopped)."""
    return [pid for pid in local_servers(run_id) if b"/pg/data" in command_line(pid)
            and command_line(pid).split(b" ")[0].endswith(b"/postgres")]


def broker_vhosts(prefix: str = "harness-") -> list[str]:
    response = httpx.get("http://127.0.0.1:15672/api/vhosts", auth=("guest", "guest"), timeout=5)
    return [v["name"] for v in response.json() if v["name"].startswith(prefix)]


def databases(prefix: str = "harness_") -> list[str]:
    engine = sqlalchemy.create_engine("postgresql://postgres@127.0.0.1:5432/postgres")
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT datname FROM pg_database").scalars().all()
    engine.dispose()
    return [r for r in rows if r.startswith(prefix)]


def temp_dirs(run_id: str) -> list[Path]:
    """The run's own folder and its local servers' folder (``--services local``)."""
    root = Path(tempfile.gettempdir())
    return [*root.glob(f"harness-{run_id}-*"), *root.glob(f"harness-local-{run_id}-*")]


def leftovers(run_id: str) -> dict[str, list[object]]:
    """Everything of ``run_id`` still present; empty lists mean the run cleaned up."""
    return {
        "processes": list(processes_of(run_id)),
        "vhosts": [v for v in broker_vhosts() if run_id in v],
        "databases": [d for d in databases() if run_id.replace("-", "_") in d],
        "temp_dirs": list(temp_dirs(run_id)),
    }


CLEAN: dict[str, list[object]] = {"processes": [], "vhosts": [], "databases": [], "temp_dirs": []}


def settled(run_id: str, timeout_s: float = 10) -> dict[str, list[object]]:
    """What of ``run_id`` is still there once teardown had ``timeout_s`` to finish (CLEAN if nothing)."""
    deadline = time.monotonic() + timeout_s
    found = leftovers(run_id)
    while found != CLEAN and time.monotonic() < deadline:
        time.sleep(0.5)
        found = leftovers(run_id)
    return found
