"""The target's workers: their layout (one argument list each) and the queues each consumes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from harness.config import Contract
from harness.target_settings import TargetSettings

QUEUE_OPTIONS = ("--queues", "-Q")


def worker_layout(description: dict[str, Any], contract: Contract, settings: TargetSettings) -> list[list[str]]:
    """Each worker's own arguments: the project's ``workers``, else the target module's ``worker_args``; a
    worker that names no queues consumes every work queue of the contract."""
    layout = [list(w) for w in settings.workers] or [list(description.get("worker_args") or [])]
    return [args if names_queues(args) else [*args, "--queues=" + ",".join(contract.work_queues)] for args in layout]


def names_queues(args: Sequence[str]) -> bool:
    return any(a.startswith(QUEUE_OPTIONS) for a in args)


def worker_queues(args: Sequence[str], default: Iterable[str]) -> set[str]:
    """The queues a ``celery worker`` started with ``args`` consumes: ``--queues=a,b``, ``--queues a,b``,
    ``-Q a,b`` or ``-Qa,b``; ``default`` when none is named (the harness then gives the contract's work queues)."""
    named: set[str] = set()
    for i, arg in enumerate(args):
        value = _queues_value(arg, args[i + 1] if i + 1 < len(args) else "")
        named |= {q.strip() for q in (value or "").split(",") if q.strip()}
    return named or set(default)


def _queues_value(arg: str, following: str) -> str | None:
    if arg in QUEUE_OPTIONS:
        return following
    if arg.startswith("--queues="):
        return arg.partition("=")[2]
    if arg.startswith("-Q"):
        return arg[2:].lstrip("=")
    return None


def recorded_layout(description: dict[str, Any]) -> list[list[str]]:
    """The layout the run started (``description["workers"]``, set by the launch)."""
    return [list(args) for args in description.get("workers") or [description.get("worker_args") or []]]


def consumed_queues(description: dict[str, Any], contract: Contract) -> list[str]:
    """Every queue one of the run's workers consumes, in a stable order."""
    found: set[str] = set()
    for args in recorded_layout(description):
        found |= worker_queues(args, contract.work_queues)
    return sorted(found)
