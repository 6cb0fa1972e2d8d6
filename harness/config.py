"""One configuration tree, loaded once.

The contract (what the target must do) comes from the bundled ``contract.toml``, overlaid by
``[tool.harness]`` in the project's ``pyproject.toml`` and then by ``harness.toml``. Service settings
and run options come from the entry point (CLI or pytest plugin), which is the only place that reads
the process environment.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from harness.errors import ConfigError
from harness.findings import Severity

BACKENDS = ("auto", "docker", "local", "external")
BROKERS = ("rabbitmq", "redis")  # the target's Celery broker: the migration's destination, or its origin
DEFAULT_TIME_SCALE = 0.02  # live retry checks wait 1.2 s for a declared 60 s countdown
TASK_BODIES = ("stub", "real")


@dataclass(frozen=True)
class TaskRoute:
    name: str
    queue: str
    routing_key: str
    priority: int


@dataclass(frozen=True)
class RetryPolicy:
    task: str
    max_retries: int
    countdown_s: float


@dataclass(frozen=True)
class PriorityPolicy:
    webhook_max_wait_s: float
    backlog: int
    backlog_task_s: float


@dataclass(frozen=True)
class WebhookContract:
    path: str
    scheme: str
    signature_header: str


@dataclass(frozen=True)
class Contract:
    exchange: str
    exchange_type: str
    tasks: tuple[TaskRoute, ...]
    dlq_queue: str
    max_deliveries: int
    retry: RetryPolicy
    priority: PriorityPolicy
    webhook: WebhookContract
    slo_p99_ms: float
    fail_at: Severity

    def priorities_of(self, queue: str) -> list[int]:
        return [t.priority for t in self.tasks if t.queue == queue]

    def task(self, name: str) -> TaskRoute:
        for route in self.tasks:
            if route.name == name:
                return route
        raise KeyError(name)

    @property
    def work_queues(self) -> tuple[str, ...]:
        """Queues a worker should consume: every contract queue but the DLQ."""
        return tuple(dict.fromkeys(t.queue for t in self.tasks if t.queue != self.dlq_queue))


@dataclass(frozen=True)
class ServiceSettings:
    backend: str = "auto"
    broker_url: str | None = None
    management_url: str | None = None
    database_url: str | None = None
    redis_url: str | None = None  # an external Redis for ``--broker redis`` (HARNESS_REDIS_URL)


@dataclass(frozen=True)
class RunOptions:
    target: str = "reference"
    broker: str = "rabbitmq"  # the target's Celery broker (``harness ab`` runs both)
    celery_app: str | None = None
    webhook_app: str | None = None
    webhook_url: str | None = None
    target_python: str | None = None
    task_bodies: str = "stub"
    time_scale: float = DEFAULT_TIME_SCALE
    quick: bool = False
    load: bool = True  # the Locust load phase; off with --no-load (its latency check is then skipped)
    oauth_test: bool = False
    monday_live: bool = False  # with oauth_test: real Monday (MONDAY_LIVE_* credentials) instead of the emulator
    report_dir: Path = Path("reports")
    faults: tuple[str, ...] = ()  # fault scenarios to run (harness.faults.plan); empty: no fault phase
    fault_rate: float | None = None  # webhooks/s during each fault scenario (default: the plan's)
    fault_seconds: float | None = None  # seconds of load in each fault scenario (default: the plan's)


@dataclass(frozen=True)
class HarnessConfig:
    contract: Contract
    services: ServiceSettings = field(default_factory=ServiceSettings)
    run: RunOptions = field(default_factory=RunOptions)


def load_config(
    project_dir: Path, services: ServiceSettings | None = None, run: RunOptions | None = None
) -> HarnessConfig:
    """Build the configuration tree for one run."""
    raw = _default_contract()
    for overlay in _project_overlays(project_dir):
        raw = _merge(raw, overlay)
    config = HarnessConfig(contract=_contract_from(raw), services=services or ServiceSettings(),
                           run=run or RunOptions())
    validate(config)
    return config


def services_from_env(env: Mapping[str, str], backend: str = "auto") -> ServiceSettings:
    """Service settings from ``HARNESS_*`` variables (called only by entry points)."""
    return ServiceSettings(
        backend=backend,
        broker_url=env.get("HARNESS_BROKER_URL") or None,
        management_url=env.get("HARNESS_MANAGEMENT_URL") or None,
        database_url=env.get("HARNESS_DATABASE_URL") or None,
        redis_url=env.get("HARNESS_REDIS_URL") or None,
    )


def validate(config: HarnessConfig) -> None:
    """Reject option combinations that cannot work, with a one-line reason."""
    if config.services.backend not in BACKENDS:
        raise ConfigError(f"--services must be one of {', '.join(BACKENDS)}, not {config.services.backend!r}")
    if config.run.broker not in BROKERS:
        raise ConfigError(f"the broker must be one of {', '.join(BROKERS)}, not {config.run.broker!r}")
    if config.run.task_bodies not in TASK_BODIES:
        raise ConfigError(f"--task-bodies must be 'stub' or 'real', not {config.run.task_bodies!r}")
    if not 0 < config.run.time_scale <= 1:
        raise ConfigError(f"--time-scale must be in (0, 1], not {config.run.time_scale}")


def with_run(config: HarnessConfig, **changes: Any) -> HarnessConfig:
    return replace(config, run=replace(config.run, **changes))


def _default_contract() -> dict[str, Any]:
    text = resources.files("harness").joinpath("contract.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _project_overlays(project_dir: Path) -> list[dict[str, Any]]:
    overlays: list[dict[str, Any]] = []
    pyproject = project_dir / "pyproject.toml"
    if pyproject.is_file():
        overlays.append(_read_toml(pyproject).get("tool", {}).get("harness", {}))
    harness_toml = project_dir / "harness.toml"
    if harness_toml.is_file():
        overlays.append(_read_toml(harness_toml))
    return overlays


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None


def _merge(base: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in overlay.items():
        if key == "tasks":
            merged[key] = _merge_tasks(base.get("tasks", []), value)
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = _merge(base[key], value)
        else:
            merged[key] = value
    return merged


def _merge_tasks(base: list[dict[str, Any]], overlay: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_name = {t["name"]: dict(t) for t in base}
    for task in overlay:
        by_name[task["name"]] = {**by_name.get(task["name"], {}), **task}
    return list(by_name.values())


def _contract_from(raw: dict[str, Any]) -> Contract:
    try:
        return Contract(
            exchange=raw["exchange"]["name"],
            exchange_type=raw["exchange"]["type"],
            tasks=tuple(TaskRoute(t["name"], t["queue"], t["routing_key"], int(t["priority"]))
                        for t in raw["tasks"]),
            dlq_queue=raw["dlq"]["queue"],
            max_deliveries=int(raw["dlq"]["max_deliveries"]),
            retry=RetryPolicy(raw["retry"]["task"], int(raw["retry"]["max_retries"]),
                              float(raw["retry"]["countdown_s"])),
            priority=PriorityPolicy(float(raw["priority"]["webhook_max_wait_s"]), int(raw["priority"]["backlog"]),
                                    float(raw["priority"]["backlog_task_s"])),
            webhook=WebhookContract(raw["webhook"]["path"], raw["webhook"]["scheme"],
                                    raw["webhook"]["signature_header"]),
            slo_p99_ms=float(raw["latency"]["slo_p99_ms"]),
            fail_at=Severity.parse(raw["gate"]["fail_at"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"invalid contract: missing or bad key {exc}") from None
