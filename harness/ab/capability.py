"""Where the capability answers come from: the ``reference`` target on both brokers.

Whether a broker *can* dead-letter or route is not a property of the target under test: the document's
seed failing a check on both brokers says nothing of the brokers. The bundled ``reference`` target is
configured correctly, so its outcomes on each broker answer the capability question, and the compared
target's outcomes the as-configured one.

Why a run of its own, by default: a migration team reads both answers off one table, from one
invocation, on the servers already started for it (RabbitMQ and PostgreSQL are provided once; each
capability gate gets its own vhost, database and Redis, like the compared gates). It costs two more
gates, kept short: no load phase (Performance's capability is the floor, which the compared gates
already measured with no target in the path) and no webhook-security suite (no row of the table reads
it). When running time matters more, ``--no-capability`` leaves it out (the capability answers then say
so), and ``--capability-from DIR`` reuses the reports of an earlier run: a ``harness ab --target
reference`` run, or another run's ``capability/``. What a broker can do does not change with the target.
When the compared target is ``reference`` itself, its own reports answer both questions.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from harness.ab.claims import Capability
from harness.config import HarnessConfig, RunOptions, load_config
from harness.errors import HarnessError
from harness.gate import SCENARIOS, gate_run
from harness.services.base import Services

REFERENCE = "reference"
AUTO, SKIP = "auto", "skip"
LEFT_OUT = ("test_webhook_security.py",)  # suites no row of the table reads
NO_OVERLAYS = Path(__file__).resolve().parent  # holds no pyproject.toml or harness.toml: the default contract


def compares_reference(config: HarnessConfig) -> bool:
    run = config.run
    return run.target == REFERENCE and not (run.celery_app or run.webhook_app or run.webhook_url)


def capability_config(config: HarnessConfig, broker: str) -> HarnessConfig:
    """``reference`` on ``broker``, under the document's contract (not the project's), without load."""
    run = config.run
    return load_config(NO_OVERLAYS, config.services, RunOptions(
        target=REFERENCE, broker=broker, quick=run.quick, load=False, time_scale=run.time_scale,
        report_dir=run.report_dir))


def capability_args() -> list[str]:
    return [arg for suite in LEFT_OUT for arg in ("--ignore", str(SCENARIOS / suite))]


def run_capability(config: HarnessConfig, brokers: tuple[str, ...], inherited_env: Mapping[str, str],
                   ab_id: str, ab_dir: Path, servers: Services) -> Capability:
    """``reference`` on each broker into ``<ab_dir>/capability/<broker>/``; a gate that cannot run is said."""
    for broker in brokers:
        run_dir = ab_dir / "capability" / broker
        try:
            code, report = gate_run(capability_config(config, broker), capability_args(), inherited_env,
                                    f"{ab_id}-capability-{broker}", run_dir, provided=servers, latest=False)
        except HarnessError as exc:
            return Capability(source=f"no capability answer: the reference run could not run on {broker} ({exc})")
        if code not in (0, 1) or not report.checks:
            return Capability(source=f"no capability answer: the reference run could not run on {broker} "
                                     f"(pytest exit code {code})")
    return read_capability(ab_dir / "capability", brokers, "capability/")


def read_capability(directory: Path, brokers: tuple[str, ...], where: str = "") -> Capability:
    """The reference reports under ``directory`` (``<broker>/report.json``, or ``capability/<broker>/...``)."""
    base = directory / "capability" if (directory / "capability").is_dir() else directory
    reports: dict[str, dict[str, Any]] = {}
    for broker in brokers:
        path = base / broker / "report.json"
        try:
            reports[broker] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise HarnessError(f"--capability-from: cannot read {path} ({type(exc).__name__})") from None
        if reports[broker].get("target") != REFERENCE:
            raise HarnessError(f"--capability-from: {path} is a run of {reports[broker].get('target')!r}, "
                               f"not of {REFERENCE!r}")
    return Capability.of(reports, f"{REFERENCE} on both brokers ({where or base})")


def runs_of(capability: Capability, ab_dir: Path, config: HarnessConfig) -> dict[str, str]:
    """Each capability report's path, relative to the comparison when it sits under it."""
    if (ab_dir / "capability").is_dir():
        return {b: f"capability/{b}/report.json" for b in capability.reports or {}}
    return {b: f"{b}/report.json" for b in capability.reports or {}} if compares_reference(config) else {}
