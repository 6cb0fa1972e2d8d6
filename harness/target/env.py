"""The environment a target is started with: only the variables the migration document names."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from harness.services.base import Services


@dataclass(frozen=True)
class RunSecrets:
    """Secrets generated for one run; every one of them is redacted from output."""

    webhook_secret: str = field(default_factory=lambda: secrets.token_hex(24))
    signing_secret: str = field(default_factory=lambda: secrets.token_hex(24))
    client_key: str = field(default_factory=lambda: secrets.token_hex(16))

    def values(self) -> tuple[str, ...]:
        return (self.webhook_secret, self.signing_secret, self.client_key)


def target_env(services: Services, run_secrets: RunSecrets, *, run_id: str, probe_log: Path,
               python_path: list[Path], monday_url: str | None = None) -> dict[str, str]:
    broker = services.broker
    env = {
        "CELERY_BROKER_URL": services.broker_url,
        "CELERY_RESULT_BACKEND": services.database.celery_backend_url,
        "WEBHOOK_SECRET": run_secrets.webhook_secret,
        "RABBITMQ_HOST": broker.host,
        "RABBITMQ_PORT": str(broker.port),
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


def base_env(parent: dict[str, str]) -> dict[str, str]:
    """What the target inherits from the harness: the basics, never the harness's own secrets."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ")
    return {k: v for k, v in parent.items() if k in keep}
