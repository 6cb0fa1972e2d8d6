"""Helpers for the live latency tests: a session per target, and Locust runs against it."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.config import RunOptions, load_config, services_from_env
from harness.load.phase import LoadPlan, run_locust
from harness.session import Session, open_session
from tests.conftest import ROOT, TARGETS

LOCUSTFILE = ROOT / "scenarios" / "locust_webhook.py"


@contextmanager
def target_session(target: str) -> Iterator[Session]:
    """A session on the external services (guest on 127.0.0.1) with ``target`` running."""
    name = target if target in ("reference", "seed") else str(TARGETS / f"{target}_target.py")
    config = load_config(ROOT, services_from_env(os.environ, "external"), RunOptions(target=name))
    with open_session(config, ROOT, dict(os.environ)) as session:
        session.tap.stop()  # the load generator has its own tap; this one would only add noise
        yield session


@dataclass
class LoadRun:
    code: int
    output: str
    folder: Path

    @property
    def summary(self) -> dict[str, Any]:
        path = self.folder / "latency.json"
        assert path.is_file(), f"no latency.json (exit code {self.code}):\n{self.output[-3000:]}"
        data: dict[str, Any] = json.loads(path.read_text())
        return data


def load(session: Session, folder: Path, *, rate: float, seconds: float, users: int = 10, warmup_s: float = 1,
         extra: Sequence[str] = ()) -> LoadRun:
    folder.mkdir(parents=True, exist_ok=True)
    plan = LoadPlan(rate_rps=rate, seconds=seconds, warmup_s=warmup_s, users=users)
    code, output = run_locust(session, plan, LOCUSTFILE, folder, extra=extra)
    return LoadRun(code, output, folder)
