"""Start a target against provisioned services: inspect it, run its worker and webhook, publish."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg2

from harness.config import Contract, RunOptions
from harness.endpoints import Database
from harness.errors import TargetError
from harness.launch import processes
from harness.launch.calls import call_for
from harness.launch.env import RunSecrets, base_env, target_env, wiring_aliases
from harness.launch.spec import TargetSpec
from harness.launch.workers import worker_layout
from harness.probes.executions import ExecutionLog
from harness.services.base import Services, database_error_line
from harness.services.ports import listening_port
from harness.target_settings import TargetSettings

BOOTSTRAP = Path(__file__).resolve().parent / "harness_bootstrap.py"
FAST_START = ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"]


@dataclass
class RunningTarget:
    spec: TargetSpec
    description: dict[str, Any]
    webhook_url: str | None
    webhook_skip_reason: str | None
    executions: ExecutionLog
    publisher: processes.Publisher
    env: dict[str, str]
    workdir: Path
    published: list[tuple[str, str]] = field(default_factory=list)  # (task id, task name) sent by the harness
    processes: dict[str, Any] = field(default_factory=dict)  # "worker", "webhook": their mirakuru executors

    def publish(self, task: str, payload: Any, **options: Any) -> dict[str, Any]:
        """Publish ``task`` with ``payload`` placed to fit its signature (:mod:`harness.launch.calls`)."""
        params = (self.description.get("tasks", {}).get(task) or {}).get("params")
        args, kwargs = call_for(task, params, payload)
        reply = self.publisher.publish(task, args, kwargs, **options)
        if "id" in reply:
            self.published.append((str(reply["id"]), task))
        return reply

    @contextmanager
    def consumers_paused(self, *queues: str) -> Iterator[None]:
        """Every worker stops consuming ``queues`` meanwhile (Celery's ``cancel_consumer``), so messages wait in
        them; consuming resumes on exit, error or not, for each queue that was paused."""
        paused: list[str] = []
        try:
            for queue in queues:
                self.publisher.control("cancel_consumer", queue)
                paused.append(queue)
            yield
        finally:
            for queue in paused:
                self.publisher.control("add_consumer", queue)

    def forget_published(self, task_id: str) -> None:
        """A task whose loss a check has already reported (one root cause, one finding): later checks of
        what became of every published task leave it out."""
        self.published[:] = [entry for entry in self.published if entry[0] != task_id]


def prepare_env(spec: TargetSpec, services: Services, secrets: RunSecrets, run_id: str, workdir: Path,
                inherited: Mapping[str, str], monday_url: str | None = None,
                extra_env: Mapping[str, str] | None = None,
                project: Mapping[str, str] | None = None, settings: TargetSettings | None = None) -> dict[str, str]:
    """``project``: the project's own settings (:func:`harness.launch.env.project_env`), under the wiring."""
    bootstrap_dir = workdir / "bootstrap"
    bootstrap_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(BOOTSTRAP, bootstrap_dir / BOOTSTRAP.name)
    env = base_env(dict(inherited))
    env.update(project or {})
    wired = target_env(services, secrets, run_id=run_id, probe_log=workdir / "probe.jsonl",
                       python_path=[bootstrap_dir, *spec.path], monday_url=monday_url)
    wired["PYTHONPATH"] = os.pathsep.join(filter(None, (wired["PYTHONPATH"], (project or {}).get("PYTHONPATH"))))
    env.update(wired)
    env.update(wiring_aliases(settings or TargetSettings(), wired, services))
    env.update(extra_env or {})  # e.g. real Monday's URLs and credentials (--monday-live)
    return env


def inspect(spec: TargetSpec, env: Mapping[str, str], workdir: Path) -> dict[str, Any]:
    """The target's routing and worker configuration, read by its own interpreter (its output: inspect.log)."""
    try:
        out = processes.run_once([spec.python, "-m", "harness_bootstrap", "inspect", "--app", spec.celery_app],
                                 env, log=workdir / "inspect.log")
    except TargetError as exc:
        raise TargetError(f"target {spec.name!r} does not load: {exc} (its output: logs/inspect.log)") from None
    description: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return description


def prepare_database(settings: TargetSettings, services: Services, env: Mapping[str, str], workdir: Path,
                     project_dir: Path) -> None:
    """The project's schema in the run's own database: its SQL file, then its setup command (migrations)."""
    if settings.setup_sql:
        run_sql_file(services.database, project_dir / settings.setup_sql)
    if settings.setup:
        try:
            processes.run_once(list(settings.setup), env, timeout_s=300, log=workdir / "setup.log", cwd=project_dir)
        except TargetError as exc:
            raise TargetError(f"the target's setup command failed: {exc} (its output: logs/setup.log)") from None


def run_sql_file(database: Database, path: Path) -> None:
    if not path.is_file():
        raise TargetError(f"the target's setup_sql file {path} does not exist")
    try:
        conn = psycopg2.connect(database.url.replace("postgresql+psycopg2://", "postgresql://", 1))
        try:
            with conn, conn.cursor() as cursor:  # one transaction: the schema is there whole, or not at all
                cursor.execute(path.read_text(encoding="utf-8"))
        finally:
            conn.close()
    except psycopg2.Error as exc:
        raise TargetError(f"the target's setup_sql {path.name} failed: {database_error_line(exc)}") from None


def worker_command(spec: TargetSpec, description: dict[str, Any], contract: Contract, run: RunOptions,
                   run_id: str, index: int = 0) -> list[str]:
    """The command of worker ``index`` of the layout :func:`launch` recorded in ``description["workers"]``."""
    args = description.get("workers") or worker_layout(description, contract, TargetSettings())
    hostname = f"harness-{run_id}" + (f"-{index + 1}" if index else "")
    return [spec.python, "-m", "harness_bootstrap", "worker", "--app", spec.celery_app,
            "--bodies", run.task_bodies, "--time-scale", str(run.time_scale), "--",
            *args[index], *FAST_START, "--hostname", f"{hostname}@%h"]


def webhook_ref(spec: TargetSpec, description: dict[str, Any]) -> str | None:
    if spec.webhook_app:
        return spec.webhook_app
    return f"{spec.module}:app" if description.get("has_app") else None


@contextmanager
def launch(spec: TargetSpec, services: Services, contract: Contract, run: RunOptions, *, run_id: str,
           workdir: Path, secrets: RunSecrets, inherited: Mapping[str, str],
           monday_url: str | None = None, extra_env: Mapping[str, str] | None = None,
           settings: TargetSettings | None = None, project: Mapping[str, str] | None = None,
           project_dir: Path) -> Iterator[RunningTarget]:
    settings = settings or TargetSettings()
    env = prepare_env(spec, services, secrets, run_id, workdir, inherited, monday_url, extra_env, project, settings)
    prepare_database(settings, services, env, workdir, project_dir)
    description = inspect(spec, env, workdir)
    description["workers"] = worker_layout(description, contract, settings)  # what the checks judge
    executions = ExecutionLog(workdir / "probe.jsonl")
    started: dict[str, Any] = {}  # the fault phase restarts and kills these
    with ExitStack() as stack:
        for index in range(len(description["workers"])):
            _start_worker(stack, spec, description, contract, run, run_id, env, workdir, executions, started, index)
        url, skip = _start_webhook(stack, spec, description, contract, env, workdir, started)
        publisher = processes.Publisher(
            [spec.python, "-m", "harness_bootstrap", "publish", "--app", spec.celery_app], env,
            workdir / "publisher.log", workers=len(description["workers"]))
        stack.callback(publisher.close)
        yield RunningTarget(spec, description, url, skip, executions, publisher, env, workdir, processes=started)


def _start_worker(stack: ExitStack, spec: TargetSpec, description: dict[str, Any], contract: Contract,
                  run: RunOptions, run_id: str, env: dict[str, str], workdir: Path,
                  executions: ExecutionLog, started: dict[str, Any], index: int) -> None:
    """Worker ``index`` (``worker``, then ``worker-2``...), ready once it has said so besides those before it."""
    name = "worker" + (f"-{index + 1}" if index else "")
    log = workdir / f"{name}.log"
    command = worker_command(spec, description, contract, run, run_id, index)
    executor = processes.worker_executor(command, env, log, lambda: executions.ready_count() > index)
    processes.start_process(executor, f"Celery {name} of {spec.name}", log)
    stack.callback(processes.stop_process, executor)
    started[name] = executor


def _start_webhook(stack: ExitStack, spec: TargetSpec, description: dict[str, Any], contract: Contract,
                   env: dict[str, str], workdir: Path, started: dict[str, Any]) -> tuple[str | None, str | None]:
    if spec.webhook_url:
        return spec.webhook_url.rstrip("/") + contract.webhook.path, None
    ref = webhook_ref(spec, description)
    if ref is None:
        return None, f"target {spec.name!r} has no webhook app (no `app`, --webhook-app or --webhook-url)"
    port = listening_port()
    log = workdir / "webhook.log"
    command = [spec.python, "-m", "uvicorn", ref, "--host", "127.0.0.1", "--port", str(port),
               "--log-level", "warning", "--no-access-log"]
    executor = processes.server_executor(command, env, log, port)
    processes.start_process(executor, f"webhook of {spec.name} ({ref})", log)
    stack.callback(processes.stop_process, executor)
    started["webhook"] = executor
    return f"http://127.0.0.1:{port}{contract.webhook.path}", None
