"""Every option of the harness, declared once: its help, its environment variable and its project-file key.

The ``harness`` command (argparse), the pytest plugin and the Locust file derive their options from
:data:`OPTIONS` (``harness.option_parsers``). A value comes from, in this order: the command line, the
option's environment variable, the project's ``[tool.harness.run]`` table (or ``[run]`` in harness.toml),
the option's default. Which front-end offers an option is its ``where``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from harness.errors import ConfigError

BACKENDS = ("auto", "docker", "local", "external")
BROKERS = ("rabbitmq", "redis")  # the target's Celery broker: the migration's destination, or its origin
TASK_BODIES = ("stub", "real")
LOAD_TOPOLOGIES = ("paused", "pinned", "shared")  # harness.load.topology
DIALECTS = ("monday", "document")  # webhook bodies: Monday's own {"event": {"type", ...}}, or the document's
DEFAULT_TIME_SCALE = 0.02  # live retry checks wait 1.2 s for a declared 60 s countdown
FAULT_NAMES = ("worker_kill, broker_restart, broker_crash, connections_closed, database_restart, "
               "database_unreachable, webhook_restart, mixed; with --nodes 3: cluster (node_kill, node_stop, "
               "rolling_restart, node_isolate)")
MAX_NODES = 5

GATE, AB, DOCTOR, PYTEST, LOCUST, CAPACITY = "run", "ab", "doctor", "pytest", "locust", "capacity"
RUNS = frozenset({GATE, AB, PYTEST, CAPACITY})
SERVICES = frozenset({GATE, AB, DOCTOR, PYTEST, CAPACITY})


@dataclass(frozen=True)
class Option:
    """One option. ``kind``: str, int, float, flag (a switch), list (repeatable), optional (``--faults [LIST]``)."""

    name: str  # the attribute, the [tool.harness.run] key, and the flag with dashes
    help: str
    where: frozenset[str]
    kind: str = "str"
    default: Any = None
    choices: tuple[str, ...] = ()
    metavar: str | None = None
    env: bool = True  # HARNESS_<NAME> holds it (Locust reads LOCUST_<NAME>)
    in_file: bool = True  # settable in the project file, under ``file_key``
    target_key: str | None = None  # set in [tool.harness.target] under this key instead of [tool.harness.run]
    secret: bool = False  # never shown in Locust's web UI form
    flag: str | None = None  # a flag other than --<name> (``--no-load`` sets load to false)

    @property
    def env_var(self) -> str | None:
        return f"HARNESS_{self.name.upper()}" if self.env else None

    @property
    def file_key(self) -> str | None:
        """Where the project file sets it: ``[tool.harness.run] <name>``, or the ``[target]`` table's key."""
        if not self.in_file:
            return None
        return f"[tool.harness.target] {self.target_key}" if self.target_key else f"[tool.harness.run] {self.name}"

    @property
    def cli_flag(self) -> str:
        return self.flag or "--" + self.name.replace("_", "-")


def by_name(name: str) -> Option:
    return next(o for o in OPTIONS if o.name == name)


def offered(where: str) -> tuple[Option, ...]:
    return tuple(o for o in OPTIONS if where in o.where)


def file_keys() -> frozenset[str]:
    return frozenset(o.name for o in OPTIONS if o.in_file and not o.target_key and o.where & SERVICES)


def resolve(where: str, given: Mapping[str, Any], env: Mapping[str, str],
           table: Mapping[str, Any]) -> dict[str, Any]:
    """Each option's value: the command line's, else the environment's, else the file's, else the default."""
    check_file_keys(table)
    values: dict[str, Any] = {}
    for option in offered(where):
        value = given.get(option.name)
        if value is None or value == []:
            value = _from_env(option, env)
        if value is None and option.in_file and not option.target_key:  # [target] keys: TargetSettings
            value = _from_file(option, table)
        values[option.name] = option.default if value is None else value
    return values


def check_file_keys(table: Mapping[str, Any]) -> None:
    unknown = sorted(set(table) - file_keys())
    if unknown:
        known = ", ".join(sorted(file_keys()))
        raise ConfigError(f"[tool.harness.run] has an unknown key {unknown[0]!r} (known: {known})")


def _from_env(option: Option, env: Mapping[str, str]) -> Any:
    raw = env.get(option.env_var) if option.env_var else None
    if not raw:
        return None
    return _coerce(option, raw, f"${option.env_var}")


def _from_file(option: Option, table: Mapping[str, Any]) -> Any:
    if option.name not in table:
        return None
    return _coerce(option, table[option.name], f"[tool.harness.run] {option.name}")


def _coerce(option: Option, value: Any, where: str) -> Any:
    """A value from the environment (text) or the file (TOML) as the option's kind, checked against its choices."""
    try:
        value = _as_kind(option.kind, value)
    except (TypeError, ValueError):
        raise ConfigError(f"{where} must be {_KIND_WORDS[option.kind]}") from None
    if option.choices and value not in option.choices:
        raise ConfigError(f"{where} must be one of {', '.join(option.choices)}, not {value!r}")
    return value


_KIND_WORDS = {"str": "a string", "int": "a whole number", "float": "a number", "flag": "true or false",
               "list": "a list of strings", "optional": "a string"}


def _as_kind(kind: str, value: Any) -> Any:
    if kind == "float":
        if isinstance(value, bool):
            raise TypeError
        return float(value)
    if kind == "int":
        if isinstance(value, (bool, float)):
            raise TypeError
        return int(value)
    if kind == "flag":
        return _as_flag(value)
    if kind == "list":
        return _as_list(value)
    if not isinstance(value, str):
        raise TypeError
    return value


def _as_flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("1", "true", "yes", "on", "0", "false", "no", "off"):
        return value.lower() in ("1", "true", "yes", "on")
    raise ValueError


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise TypeError


def _o(name: str, help: str, where: frozenset[str], **kw: Any) -> Option:
    return Option(name, help, where, **kw)


TARGET_HELP = ("reference, seed, a dotted module or .py file exposing celery_app and app, or module:attr of a "
               "Celery app (default: the project's [target] celery_app, else reference)")

OPTIONS: tuple[Option, ...] = (
    _o("target", TARGET_HELP, RUNS | {LOCUST}, default="", metavar="T"),
    _o("celery_app", "the target's Celery app as module:attr", RUNS, metavar="MOD:ATTR",
       target_key="celery_app"),
    _o("webhook_app", "the target's ASGI webhook app as module:attr, served with uvicorn", RUNS, metavar="MOD:ATTR",
       target_key="webhook_app"),
    _o("webhook_url", "an already running webhook (base URL, or for Locust the full URL)", RUNS | {LOCUST},
       metavar="URL"),
    _o("target_python", "the interpreter that runs the target's processes (its own venv)", RUNS, metavar="PATH",
       target_key="python"),
    _o("target_env", "a setting for the target's processes, over the project's env file (repeatable)", RUNS,
       kind="list", default=[], metavar="KEY=VALUE", env=False, target_key="env"),
    _o("target_env_file", "the target's .env file", RUNS, metavar="PATH", target_key="env_file"),
    _o("pass_env", "pass this variable of the harness's environment to the target (repeatable; added to the "
       "file's)", RUNS, kind="list", default=[], metavar="NAME", target_key="pass_env"),
    _o("task_bodies", "stub: the worker's task bodies replaced by recording probes; real: the real bodies run",
       RUNS, default="stub", choices=TASK_BODIES),
    _o("time_scale", "compress retry countdowns in live checks by this factor (the declared policy is checked "
       "as declared)", RUNS - {CAPACITY}, kind="float", default=DEFAULT_TIME_SCALE, metavar="FACTOR"),
    _o("broker", "the target's Celery broker; on redis, checks of RabbitMQ-only features are n/a",
       frozenset({GATE, PYTEST}), default="rabbitmq", choices=BROKERS),
    _o("quick", "the smoke subset, under a minute (the load phase judges the median)", RUNS - {CAPACITY}, kind="flag",
       default=False),
    _o("oauth_test", "add the OAuth suite, against the Monday emulator (alone in pytest: only that suite)",
       frozenset({GATE, PYTEST}), kind="flag", default=False),
    _o("monday_live", "with --oauth-test: against Monday itself (needs the MONDAY_LIVE_* variables)",
       frozenset({GATE, PYTEST}), kind="flag", default=False),
    _o("faults", f"add the fault phase: all (the default), or some of {FAULT_NAMES}", frozenset({GATE, PYTEST}),
       kind="optional", metavar="LIST"),
    _o("fault_rate", "webhooks/s during each fault scenario", frozenset({GATE, PYTEST}), kind="float",
       metavar="N"),
    _o("fault_seconds", "seconds of load in each fault scenario", frozenset({GATE, PYTEST}), kind="float",
       metavar="S"),
    _o("load", "leave out the load phase (the latency check is reported as skipped)", frozenset({GATE, AB}),
       kind="flag", default=True, flag="--no-load"),
    _o("load_topology", "paused: the target's consumers paused for the measured window, as if they ran "
       "elsewhere; pinned: the workers on their own core, the measured path on the others; shared: everything "
       "on the same cores", frozenset({GATE, AB, CAPACITY}), default="paused",
       choices=LOAD_TOPOLOGIES),
    _o("services", "where RabbitMQ and PostgreSQL come from: docker (testcontainers), local (processes on free "
       "ports), external (the URLs below), or auto: the first that works", RUNS | {LOCUST}, default="auto",
       choices=BACKENDS),
    _o("nodes", f"with --services local: start this many RabbitMQ nodes (1 to {MAX_NODES}) and join them into one "
       "cluster; the target gets every node's URL (failover), the cluster's health is checked before the run",
       RUNS, kind="int", default=1, metavar="N"),
    _o("report_dir", "where reports/<run>/ is written (pytest: only when given)", RUNS, metavar="DIR"),
    _o("broker_url", "an external broker, amqp://user:password@host:port/vhost; a cluster: its nodes' URLs "
       "joined by ';'", SERVICES | {LOCUST}, metavar="URL", secret=True),
    _o("management_url", "an external RabbitMQ management API", SERVICES | {LOCUST}, metavar="URL", secret=True),
    _o("database_url", "an external PostgreSQL", SERVICES, metavar="URL"),
    _o("redis_url", "an external Redis, for --broker redis and harness ab", SERVICES, metavar="URL"),
)
