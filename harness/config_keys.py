"""The keys ``[tool.harness]`` (or ``harness.toml``) may hold: a misspelt key is an error naming it, never ignored."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.errors import ConfigError

TASK_KEYS = frozenset({"name", "role", "queue", "routing_key", "priority", "drop", "idempotent"})
OPTIONAL_KEYS = {"webhook": frozenset({"dialect"})}  # contract keys the bundled contract leaves unset
OWN_TABLES = frozenset({"target", "run"})  # checked by harness.target_settings and harness.options


def check_keys(overlay: Mapping[str, Any], contract: Mapping[str, Any], where: str) -> None:
    """Raise a one-line ConfigError for the first key of ``overlay`` the contract and the harness do not know."""
    for key, value in overlay.items():
        if key in OWN_TABLES:
            continue
        if key == "tasks":
            _check_tasks(value, where)
        elif key not in contract:
            _unknown(where, key, sorted({*contract, *OWN_TABLES}))
        elif isinstance(contract[key], dict):
            _check_table(value, contract[key], f"{where}.{key}", OPTIONAL_KEYS.get(key, frozenset()))


def _check_table(value: Any, known: Mapping[str, Any], where: str, optional: frozenset[str]) -> None:
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a table")
    for key in value:
        if key not in known and key not in optional:
            _unknown(where, key, sorted({*known, *optional}))


def _check_tasks(value: Any, where: str) -> None:
    if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
        raise ConfigError(f"{where}.tasks must be an array of tables ([[tasks]])")
    for task in value:
        for key in task:
            if key not in TASK_KEYS:
                _unknown(f"{where}.tasks", key, sorted(TASK_KEYS))


def _unknown(where: str, key: str, known: list[str]) -> None:
    raise ConfigError(f"{where} has an unknown key {key!r} (known: {', '.join(known)})")
