"""The environment a target is started with.

Three layers, later ones winning: the basics inherited from the harness (PATH, HOME, locale); the
project's own settings (its env file, the ``env`` table and ``--target-env``, the variables passed
through by name); the wiring the harness owns (broker, result backend, secrets, Monday), under the names
the migration document uses and, through ``wiring``, under the project's own names.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values

from harness.errors import TargetError
from harness.services.base import Services
from harness.target_settings import TargetSettings

_SECRET_NAME = re.compile(r"SECRET|TOKEN|KEY|PASS|PWD|AUTH|CREDENTIAL|PRIVATE|DSN|URL|SALT|COOKIE", re.I)
PLAIN_VALUE_MAX = 8  # a value shorter than this, under a name that does not sound secret, is left readable


@dataclass(frozen=True)
class RunSecrets:
    """Secrets generated for one run; every one of them is redacted from output."""

    webhook_secret: str = field(default_factory=lambda: secrets.token_hex(24))
    signing_secret: str = field(default_factory=lambda: secrets.token_hex(24))
    client_key: str = field(default_factory=lambda: secrets.token_hex(16))

    def values(self) -> tuple[str, ...]:
        return (self.webhook_secret, self.signing_secret, self.client_key)

    def for_scheme(self, scheme: str) -> str:
        """The secret a webhook signature scheme signs with: Monday's Signing Secret for its JWTs, the
        webhook secret for the document's HMAC and the agent scheme."""
        return self.signing_secret if scheme == "jwt" else self.webhook_secret


def target_env(services: Services, run_secrets: RunSecrets, *, run_id: str, probe_log: Path,
               python_path: list[Path], monday_url: str | None = None) -> dict[str, str]:
    broker = services.broker
    env = {
        "CELERY_BROKER_URL": services.broker_url,
        "CELERY_RESULT_BACKEND": services.database.celery_backend_url,
        "WEBHOOK_SECRET": run_secrets.webhook_secret,
        "RABBITMQ_HOST": broker.first_node[0],  # the node CELERY_BROKER_URL starts with
        "RABBITMQ_PORT": str(broker.first_node[1]),
        "RABBITMQ_VHOST": broker.vhost,
        "RABBITMQ_USER": broker.user,
        "RABBITMQ_PASSWORD": broker.password,
        "MONDAY_CLIENT_ID": f"harness-client-{run_id}",
        "MONDAY_CLIENT_KEY": run_secrets.client_key,
        "MONDAY_APP_ID": "10000001",
        "MONDAY_BOARD_ID": "987654321",
        "MONDAY_SIGNING_SECRET": run_secrets.signing_secret,
        "HARNESS_RUN_ID": run_id,
        "HARNESS_PROBE_LOG": str(probe_log),
        "PYTHONPATH": os.pathsep.join(str(p) for p in python_path),
        "PYTHONUNBUFFERED": "1",
    }
    if monday_url:
        env["MONDAY_API_URL"] = f"{monday_url}/v2"
        env["MONDAY_AUTH_URL"] = monday_url
    return env


def project_env(settings: TargetSettings, project_dir: Path, inherited: Mapping[str, str]) -> dict[str, str]:
    """The project's own settings: its env file, then its ``env`` table, then variables passed through."""
    env = read_env_file(project_dir / settings.env_file) if settings.env_file else {}
    env.update(dict(settings.env))
    missing = [name for name in settings.pass_env if name not in inherited]
    if missing:
        raise TargetError(f"pass_env names variables the harness's environment does not have: {', '.join(missing)}")
    env.update({name: inherited[name] for name in settings.pass_env})
    return env


def read_env_file(path: Path) -> dict[str, str]:
    """A ``.env`` file as python-dotenv (and pydantic-settings) read it; a missing file is an error."""
    if not path.is_file():
        raise TargetError(f"the target's env file {path} does not exist")
    return {name: value or "" for name, value in dotenv_values(path).items()}


def wiring_aliases(settings: TargetSettings, wired: Mapping[str, str], services: Services) -> dict[str, str]:
    """The harness's values under the project's own names (``[target.wiring]``); besides the wiring itself,
    ``DATABASE_URL`` is the run's database as a plain ``postgresql://`` URL."""
    wired = {**wired, "DATABASE_URL": services.database.url.replace("postgresql+psycopg2://", "postgresql://", 1)}
    unknown = [source for _, source in settings.wiring if source not in wired]
    if unknown:
        raise TargetError(f"[target.wiring] names values the harness does not give: {', '.join(unknown)} "
                          f"(it gives {', '.join(sorted(wired))})")
    return {name: wired[source] for name, source in settings.wiring}


def values_to_redact(env: Mapping[str, str]) -> list[str]:
    """Which of the project's values are masked in every output: any under a name that sounds secret,
    and any long enough to be one (short plain values such as ``INFO`` or ``true`` stay readable)."""
    return [value for name, value in env.items()
            if value and (_SECRET_NAME.search(name) or len(value) >= PLAIN_VALUE_MAX)]


def base_env(parent: dict[str, str]) -> dict[str, str]:
    """What the target inherits from the harness: the basics, never the harness's own secrets."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ")
    return {k: v for k, v in parent.items() if k in keep}
