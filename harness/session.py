"""A run's live session: isolated services, the running target, the tap, and the readers.

Entry points open one session per run; checks receive it. Closing it stops every process the run
started and removes the run's vhost and database, in reverse order, even on error or Ctrl-C.
"""

from __future__ import annotations

import secrets as _secrets
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from harness.config import HarnessConfig
from harness.errors import HarnessError, StartupTimeout, TargetError
from harness.launch.env import RunSecrets, project_env, values_to_redact
from harness.launch.spec import TargetSpec, resolve
from harness.launch.start import RunningTarget, launch
from harness.probes.management import Management
from harness.probes.redis_tap import RedisTap
from harness.probes.results import ResultBackend
from harness.probes.tap import MessageTap, Tap, all_bindings, install_catcher
from harness.redact import Redactor
from harness.services import provide
from harness.services.base import Services
from harness.services.isolation import isolated, management_of
from harness.services.redis import provide_redis
from harness.session_monday import MondayLink, monday_link


def new_run_id() -> str:
    return time.strftime("%Y%m%d-%H%M%S") + "-" + _secrets.token_hex(3)


@dataclass
class Session:
    config: HarnessConfig
    run_id: str
    services: Services
    spec: TargetSpec
    target: RunningTarget
    tap: MessageTap
    api: Management
    results: ResultBackend
    secrets: RunSecrets
    redactor: Redactor
    project_dir: Path  # the project the run is of (its settings, its setup command's folder)
    inherited_env: Mapping[str, str]  # the entry point's environment, which processes of the run start from
    monday: MondayLink | None = None  # the Monday emulator (or real Monday) with --oauth-test

    @property
    def vhost(self) -> str:
        return self.services.broker.vhost

    @property
    def delivery_secret(self) -> str:
        """The secret the contract's webhook signature scheme signs deliveries with."""
        return self.secrets.for_scheme(self.config.contract.webhook.scheme)

    @property
    def broker_kind(self) -> str:
        """The target's broker: ``rabbitmq``, or ``redis`` (checks of RabbitMQ-only features do not apply)."""
        return self.services.broker_kind

    def describe(self) -> tuple[dict[str, str], dict[str, str]]:
        """(services, target runtime) as the report records them."""
        description = self.target.description
        broker = self.services.redis.backend if self.services.redis else self.services.backend
        services = {"broker": broker, "database": self.services.backend, "broker_kind": self.broker_kind}
        nodes = self.services.broker.cluster_nodes
        if self.services.controls.cluster is not None:
            services["cluster"] = self.services.controls.cluster.describe()
        elif nodes:
            services["cluster"] = f"{len(nodes)} nodes given: " + ", ".join(f"{h}:{p}" for h, p in nodes)
        runtime = {"python": str(description.get("python")), "celery": str(description.get("celery_version"))}
        return services, runtime

    def refresh_mirrors(self) -> None:
        """Mirror queues the target declared since the tap started."""
        if isinstance(self.tap, RedisTap):
            self.tap.mirror()
        else:
            self.tap.mirror(all_bindings(self.api, self.vhost, self.target.description.get("queues", [])))


def redactor_for(services: Services, run_secrets: RunSecrets) -> Redactor:
    redis_password = urlsplit(services.redis.url).password if services.redis else None
    return Redactor((*run_secrets.values(), services.broker.password, *([redis_password] if redis_password else [])))


@contextmanager
def open_session(config: HarnessConfig, project_dir: Path, inherited_env: Mapping[str, str],
                 run_id: str | None = None, log_dir: Path | None = None,
                 provided: Services | None = None) -> Iterator[Session]:
    """``provided``: servers already started (``harness ab`` starts them once for both brokers)."""
    run_id = run_id or new_run_id()
    spec = resolve(config.run, config.target, project_dir)
    project = project_env(config.target, project_dir, inherited_env)
    run_secrets = RunSecrets()
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=f"harness-{run_id}-")))
        raw = provided or stack.enter_context(provide(config.services, run_id=run_id))
        services = stack.enter_context(isolated(raw, run_id))
        if config.run.broker == "redis":
            redis = stack.enter_context(provide_redis(config.services.backend, config.services.redis_url, run_id))
            services = replace(services, redis=redis)
        redactor = redactor_for(services, run_secrets)
        redactor.add(*values_to_redact(project))
        if log_dir is not None:
            stack.callback(keep_logs, workdir, log_dir, redactor)
        api = stack.enter_context(management_of(services))
        install_catcher(api, services.broker.vhost)
        monday = stack.enter_context(monday_link(config.run, services, run_secrets, run_id, inherited_env))
        redactor.add(*(monday.secrets if monday else ()))
        with redacted_errors(redactor):
            target = stack.enter_context(launch(spec, services, config.contract, config.run, run_id=run_id,
                                                workdir=workdir, secrets=run_secrets, inherited=inherited_env,
                                                monday_url=monday.emulator_url if monday else None,
                                                extra_env=monday.target_env if monday else None,
                                                settings=config.target, project=project, project_dir=project_dir))
        tap = start_tap(services, api, target)
        stack.callback(tap.stop)
        results = ResultBackend(services.database)
        stack.callback(results.close)
        yield Session(config, run_id, services, spec, target, tap, api, results, run_secrets, redactor, project_dir,
                      inherited_env, monday)


@contextmanager
def redacted_errors(redactor: Redactor) -> Iterator[None]:
    """A target that does not start may print the project's settings: its error is masked like a log."""
    try:
        yield
    except HarnessError as exc:
        kind = TargetError if isinstance(exc, StartupTimeout) else type(exc)
        raise kind(redactor(str(exc))) from None


def start_tap(services: Services, api: Management, target: RunningTarget) -> MessageTap:
    if services.redis is not None:
        return RedisTap(services.redis).start()
    queues = target.description.get("queues", [])
    return Tap(services.broker).start(all_bindings(api, services.broker.vhost, queues))


def keep_logs(workdir: Path, log_dir: Path, redactor: Redactor) -> None:
    """Copy the target's process logs into the run's report folder, with secrets masked."""
    log_dir.mkdir(parents=True, exist_ok=True)
    for log in workdir.glob("*.log"):
        (log_dir / log.name).write_text(redactor(log.read_text(errors="replace")), encoding="utf-8")
    if (workdir / "payloads").is_dir():  # the request bodies findings' curl lines replay (payloads/<name>)
        shutil.copytree(workdir / "payloads", log_dir.parent / "payloads", dirs_exist_ok=True)
    shutil.rmtree(workdir / "bootstrap", ignore_errors=True)
