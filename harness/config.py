"""One configuration tree, loaded once.

The contract (what the target must do) comes from the bundled ``contract.toml``, overlaid by
``[tool.harness]`` in the project's ``pyproject.toml`` and then by ``harness.toml``. Service settings
and run options come from the entry point (CLI or pytest plugin), which is the only place that reads
the process environment.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from harness.config_keys import check_keys
from harness.errors import ConfigError
from harness.findings import Severity
from harness.options import (
    BACKENDS,
    BROKERS,
    DEFAULT_TIME_SCALE,
    DIALECTS,
    LOAD_TOPOLOGIES,
    MAX_NODES,
    TASK_BODIES,
    resolve,
)
from harness.target_settings import TargetSettings, parse_assignments, target_settings

__all__ = ["BACKENDS", "BROKERS", "DEFAULT_TIME_SCALE", "DIALECTS", "LOAD_TOPOLOGIES", "TASK_BODIES"]
DOCUMENT_DIALECT_TARGETS = ("seed", "reference")  # the bundled targets, whose webhooks read the document's flavour


@dataclass(frozen=True)
class TaskRoute:
    name: str
    queue: str
    routing_key: str
    priority: int
    role: str = ""  # webhook, workflow, generation, tests, dead_letter: what the task is for, whatever its name
    idempotent: bool = False  # the project says running it twice is harmless (at-least-once repeats work)


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
    dialect: str = "monday"  # the body shape the target reads: monday (what Monday sends) | document
    status_change_enqueues: tuple[str, ...] = ("webhook",)  # roles the webhook enqueues for a move to "À faire"


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
    unreplicated_queue: Severity = Severity.HIGH  # [availability]: a classic queue in a cluster

    def priorities_of(self, queue: str) -> list[int]:
        return [t.priority for t in self.tasks if t.queue == queue]

    def task(self, name: str) -> TaskRoute:
        for route in self.tasks:
            if route.name == name:
                return route
        raise KeyError(name)

    def role(self, role: str) -> TaskRoute | None:
        """The task that plays ``role`` in this project (``None``: the project has none)."""
        return next((route for route in self.tasks if route.role == role), None)

    def project_name(self, name: str) -> str:
        """A task named as the document names it (scenario subjects do), under the project's own name."""
        role = DOCUMENT_ROLES.get(name)
        return self.role_name(role) if role and self.role(role) else name

    def role_name(self, role: str) -> str:
        """The name of the task playing ``role``; the role itself when the project dropped it."""
        route = self.role(role)
        return route.name if route else role

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
    nodes: int = 1  # RabbitMQ nodes the local back-end starts and joins into one cluster (--nodes)


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
    load_topology: str = "paused"  # paused: consumers paused for the measured window; shared: all on the same cores
    oauth_test: bool = False
    monday_live: bool = False  # with oauth_test: real Monday (MONDAY_LIVE_* credentials) instead of the emulator
    report_dir: Path = Path("reports")
    faults: tuple[str, ...] = ()  # fault scenarios to run (harness.faults.plan); empty: no fault phase
    fault_rate: float | None = None  # webhooks/s during each fault scenario (default: the plan's)
    fault_seconds: float | None = None  # seconds of load in each fault scenario (default: the plan's)
    target_env: tuple[tuple[str, str], ...] = ()  # --target-env KEY=VALUE, over the project's [target] env
    target_env_file: str | None = None  # --target-env-file, instead of the project's env_file
    pass_env: tuple[str, ...] = ()  # --pass-env NAME, added to the project's pass_env


RUN_FIELDS = frozenset(RunOptions.__dataclass_fields__)


@dataclass(frozen=True)
class HarnessConfig:
    contract: Contract
    services: ServiceSettings = field(default_factory=ServiceSettings)
    run: RunOptions = field(default_factory=RunOptions)
    target: TargetSettings = field(default_factory=TargetSettings)


def load_config(
    project_dir: Path, services: ServiceSettings | None = None, run: RunOptions | None = None
) -> HarnessConfig:
    """Build the configuration tree for one run."""
    return _build(project_raw(project_dir), services, run)


def config_from_options(project_dir: Path, where: str, given: Mapping[str, Any], env: Mapping[str, str],
                        parse_faults: Callable[[str | None], tuple[str, ...]]) -> HarnessConfig:
    """The tree for an entry point: its parsed options over the environment over ``[tool.harness.run]``
    (``parse_faults``: the fault plan's reading of ``--faults``, which the entry point owns)."""
    raw = project_raw(project_dir)
    values = resolve(where, given, env, raw.get("run", {}))
    return _build(raw, services_from_values(values), run_from_values(values, parse_faults(values.get("faults"))))


def project_raw(project_dir: Path) -> dict[str, Any]:
    """The bundled contract overlaid by the project's ``[tool.harness]`` and ``harness.toml``, keys checked."""
    raw = _default_contract()
    for overlay, where in _project_overlays(project_dir):
        check_keys(overlay, raw, where)
        raw = _merge(raw, overlay)
    return raw


def services_from_values(values: Mapping[str, Any]) -> ServiceSettings:
    return ServiceSettings(backend=values.get("services") or "auto", broker_url=values.get("broker_url"),
                           management_url=values.get("management_url"), database_url=values.get("database_url"),
                           redis_url=values.get("redis_url"), nodes=int(values.get("nodes") or 1))


def run_from_values(values: Mapping[str, Any], faults: tuple[str, ...] = ()) -> RunOptions:
    """Run options from resolved option values (``harness.options``); absent ones keep RunOptions' defaults."""
    plain = {k: v for k, v in values.items() if k in RUN_FIELDS and k not in ("report_dir", "faults",
                                                                              "target_env", "pass_env")}
    return RunOptions(**plain, report_dir=Path(values.get("report_dir") or "reports"),
                      faults=faults,
                      target_env=parse_assignments(values.get("target_env") or []),
                      pass_env=tuple(values.get("pass_env") or ()))


def _build(raw: dict[str, Any], services: ServiceSettings | None, run: RunOptions | None) -> HarnessConfig:
    raw = _follow_renames(raw, _default_contract()["tasks"])
    target = _with_run_options(target_settings(raw.get("target", {})), run or RunOptions())
    run = _with_default_target(run or RunOptions(), target)
    dialect = default_dialect(run, target.celery_app or target.webhook_app)
    config = HarnessConfig(contract=_contract_from(raw, dialect), services=services or ServiceSettings(), run=run,
                           target=target)
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
    if not 1 <= config.services.nodes <= MAX_NODES:
        raise ConfigError(f"--nodes must be between 1 and {MAX_NODES}, not {config.services.nodes}")
    if config.services.nodes > 1 and config.services.backend != "local":
        raise ConfigError(f"--nodes {config.services.nodes} starts a cluster on this machine: it needs --services "
                          "local (a cluster of your own: --services external, its nodes' URLs in --broker-url "
                          "joined by ';')")
    if config.run.broker not in BROKERS:
        raise ConfigError(f"the broker must be one of {', '.join(BROKERS)}, not {config.run.broker!r}")
    if config.contract.webhook.dialect not in DIALECTS:
        dialect = config.contract.webhook.dialect
        raise ConfigError(f"[webhook] dialect must be one of {', '.join(DIALECTS)}, not {dialect!r}")
    if config.run.load_topology not in LOAD_TOPOLOGIES:
        raise ConfigError(f"--load-topology must be one of {', '.join(LOAD_TOPOLOGIES)}, "
                          f"not {config.run.load_topology!r}")
    if config.run.task_bodies not in TASK_BODIES:
        raise ConfigError(f"--task-bodies must be 'stub' or 'real', not {config.run.task_bodies!r}")
    if not 0 < config.run.time_scale <= 1:
        raise ConfigError(f"--time-scale must be in (0, 1], not {config.run.time_scale}")


def default_dialect(run: RunOptions, project_app: str | None = None) -> str:
    """The webhook dialect when the contract's ``[webhook] dialect`` is unset (a contract setting always wins).

    The bundled ``seed`` and ``reference`` targets read the migration document's flavour, so a run of either gets
    ``document``; any other target, or a bundled one behind the project's own app or webhook, gets ``monday``:
    what Monday really sends.
    """
    own = run.celery_app or run.webhook_app or run.webhook_url or project_app
    return "document" if run.target in DOCUMENT_DIALECT_TARGETS and not own else "monday"


def with_run(config: HarnessConfig, **changes: Any) -> HarnessConfig:
    return replace(config, run=replace(config.run, **changes))


def _default_contract() -> dict[str, Any]:
    text = resources.files("harness").joinpath("contract.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


DOCUMENT_ROLES = {t["name"]: t["role"] for t in _default_contract()["tasks"]}  # the document's task names

def _project_overlays(project_dir: Path) -> list[tuple[dict[str, Any], str]]:
    overlays: list[tuple[dict[str, Any], str]] = []
    pyproject = project_dir / "pyproject.toml"
    if pyproject.is_file():
        overlays.append((_read_toml(pyproject).get("tool", {}).get("harness", {}), "[tool.harness]"))
    harness_toml = project_dir / "harness.toml"
    if harness_toml.is_file():
        overlays.append((_read_toml(harness_toml), "harness.toml"))
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
    """Overlay tasks by role (``role = "webhook"``, ``name = "shop.on_event"`` renames the role's task; with
    ``drop = true`` the project has no such task) or, without a role, by name."""
    merged = [dict(t) for t in base]
    for task in overlay:
        key = "role" if "role" in task else "name"
        if key not in task:
            raise ConfigError("a [[tasks]] entry needs a role or a name")
        index = next((i for i, t in enumerate(merged) if t.get(key) == task[key]), None)
        if task.get("drop"):
            merged = [t for i, t in enumerate(merged) if i != index]
        elif index is None:
            merged.append(dict(task))
        else:
            merged[index] = {**merged[index], **task}
    return merged


def _follow_renames(raw: dict[str, Any], base: list[dict[str, Any]]) -> dict[str, Any]:
    """The retry policy names a task: when the project renamed its role, the policy follows the new name."""
    renamed = {t["name"]: n["name"] for t in base for n in raw.get("tasks", [])
               if t.get("role") and t.get("role") == n.get("role")}
    retry = raw.get("retry", {})
    if retry.get("task") in renamed:
        raw = {**raw, "retry": {**retry, "task": renamed[retry["task"]]}}
    return raw


def _with_run_options(target: TargetSettings, run: RunOptions) -> TargetSettings:
    """Options given on the command line win over the project's table; --pass-env adds names."""
    return replace(
        target,
        celery_app=run.celery_app or target.celery_app, webhook_app=run.webhook_app or target.webhook_app,
        python=run.target_python or target.python, env_file=run.target_env_file or target.env_file,
        env=tuple({**dict(target.env), **dict(run.target_env)}.items()),
        pass_env=tuple(dict.fromkeys((*target.pass_env, *run.pass_env))))


def _with_default_target(run: RunOptions, target: TargetSettings) -> RunOptions:
    """No ``--target``: the project's Celery app when one is configured, else the bundled reference."""
    if run.target:
        return run
    return replace(run, target=target.celery_app or "reference")


def _flag(table: dict[str, Any], key: str) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        raise ConfigError(f"invalid contract: {key} of task {table.get('name', '?')} must be true or false")
    return value


def _contract_from(raw: dict[str, Any], dialect: str = "monday") -> Contract:
    try:
        return Contract(
            exchange=raw["exchange"]["name"],
            exchange_type=raw["exchange"]["type"],
            tasks=tuple(TaskRoute(t["name"], t["queue"], t["routing_key"], int(t["priority"]), t.get("role", ""),
                                  _flag(t, "idempotent")) for t in raw["tasks"]),
            dlq_queue=raw["dlq"]["queue"],
            max_deliveries=int(raw["dlq"]["max_deliveries"]),
            retry=RetryPolicy(raw["retry"]["task"], int(raw["retry"]["max_retries"]),
                              float(raw["retry"]["countdown_s"])),
            priority=PriorityPolicy(float(raw["priority"]["webhook_max_wait_s"]), int(raw["priority"]["backlog"]),
                                    float(raw["priority"]["backlog_task_s"])),
            webhook=WebhookContract(raw["webhook"]["path"], raw["webhook"]["scheme"],
                                    raw["webhook"]["signature_header"], raw["webhook"].get("dialect", dialect),
                                    tuple(raw["webhook"].get("status_change_enqueues", ("webhook",)))),
            slo_p99_ms=float(raw["latency"]["slo_p99_ms"]),
            fail_at=Severity.parse(raw["gate"]["fail_at"]),
            unreplicated_queue=Severity.parse(raw.get("availability", {}).get("unreplicated_queue", "high")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"invalid contract: missing or bad key {exc}") from None
