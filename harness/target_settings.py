"""The project's ``[target]`` table: how its own service starts and with which settings.

Read key by key (a typo is a one-line error, not a silent default); values for the target's environment
are kept as text, as a process environment holds them.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from harness.errors import ConfigError

ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class TargetSettings:
    """How the project's own service starts: ``[target]`` in harness.toml (``[tool.harness.target]``), then options.

    ``env_file``, ``env`` and ``pass_env`` make the project's own environment (its settings); the harness's
    wiring (broker, result backend, secrets, Monday) goes on top, and ``wiring`` also gives those values under
    the project's own names (``DATABASE_URL = "DATABASE_URL"``: the run's database as a plain URL).
    """

    celery_app: str | None = None
    webhook_app: str | None = None
    python: str | None = None
    env_file: str | None = None  # relative to the project directory
    env: tuple[tuple[str, str], ...] = ()
    pass_env: tuple[str, ...] = ()  # names whose values come from the harness's own environment
    wiring: tuple[tuple[str, str], ...] = ()  # (project's variable, harness value it receives)
    setup: tuple[str, ...] = ()  # a command run once, in the target's environment, before it starts
    setup_sql: str | None = None  # a SQL file run once in the run's database before the target starts
    workers: tuple[tuple[str, ...], ...] = ()  # one `celery worker` argument list per worker


def target_settings(raw: Mapping[str, Any]) -> TargetSettings:
    """The ``[target]`` table, checked key by key (a typo is a one-line error, not a silent default)."""
    unknown = set(raw) - {f.name for f in fields(TargetSettings)}
    if unknown:
        raise ConfigError(f"[target] has unknown keys: {', '.join(sorted(unknown))}")
    try:
        return TargetSettings(
            celery_app=_opt_str(raw, "celery_app"), webhook_app=_opt_str(raw, "webhook_app"),
            python=_opt_str(raw, "python"), env_file=_opt_str(raw, "env_file"),
            env=_str_pairs(raw.get("env", {}), "env"), pass_env=_str_list(raw.get("pass_env", []), "pass_env"),
            wiring=_str_pairs(raw.get("wiring", {}), "wiring"), setup=_command(raw.get("setup", [])),
            setup_sql=_opt_str(raw, "setup_sql"),
            workers=tuple(_str_list(w, "workers") for w in raw.get("workers", [])))
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"[target] {exc}") from None


def parse_assignments(items: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """``--target-env KEY=VALUE`` options; the value is never echoed back (it may be a secret)."""
    pairs = []
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not ENV_NAME.match(name):
            raise ConfigError(f"--target-env must look like NAME=value (got one starting {name[:20]!r})")
        pairs.append((name, value))
    return tuple(pairs)


def _opt_str(raw: Mapping[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{key} must be a string")
    return value


def _str_list(value: Any, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError(f"{key} must be a list of strings")
    return tuple(value)


def _str_pairs(value: Any, key: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict):
        raise TypeError(f"{key} must be a table of NAME = \"value\"")
    for name, item in value.items():
        if not ENV_NAME.match(name) or not isinstance(item, str | int | float | bool):
            raise ValueError(f"{key}: {name!r} must be a variable name with a plain value")
    return tuple((name, _env_text(item)) for name, item in value.items())


def _env_text(value: str | int | float | bool) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _command(value: Any) -> tuple[str, ...]:
    """``setup``: a list of arguments, or one string split like a shell would."""
    return tuple(shlex.split(value)) if isinstance(value, str) else _str_list(value, "setup")
