"""Start a target against provisioned services: inspect it, run its worker and webhook, publish."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import port_for

from harness.config import Contract, RunOptions
from harness.errors import TargetError
from harness.probes.executions import ExecutionLog
from harness.services.base import Services
from harness.target import processes
from harness.target.env import RunSecrets, base_env, target_env
from harness.target.spec import TargetSpec

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

    def publish(self, task: str, *args: Any, **options: Any) -> dict[str, Any]:
        reply = self.publisher.publish(task, args, None, **options)
        if "id" in reply:
            self.published.append((str(reply["id"]), task))
        return reply


def prepare_env(spec: TargetSpec, services: Services, secrets: RunSecrets, run_id: str, workdir: Path,
                inherited: Mapping[str, str], monday_url: str | None = None,
                extra_env: Mapping[str, str] | None = None) -> dict[str, str]:
    bootstrap_dir = workdir / "bootstrap"
    bootstrap_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(BOOTSTRAP, bootstrap_dir / BOOTSTRAP.name)
    env = base_env(dict(inherited))
    env.update(target_env(services, secrets, run_id=run_id, probe_log=workdir / "probe.jsonl",
                          python_path=[bootstrap_dir, *spec.path], monday_url=monday_url))
    env.update(extra_env or {})  # e.g. real Monday's URLs and credentials (--monday-live)
    return env


def inspect(spec: TargetSpec, env: Mapping[str, str]) -> dict[str, Any]:
    """The target's routing and worker configuration, read by its own interpreter."""
    try:
        out = processes.run_once([spec.python, "-m", "harness_bootstrap", "inspect", "--app", spec.celery_app],
                                 env)
    except TargetError as exc:
        raise TargetError(f"target {spec.name!r} does not load: {exc}") from None
    description: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return description


def worker_command(spec: TargetSpec, description: dict[str, Any], contract: Contract, run: RunOptions,
                   run_id: str) -> list[str]:
    args = list(description.get("worker_args") or [])
    if not any(a.startswith(("--queues", "-Q")) for a in args):
        args.append("--queues=" + ",".join(contract.work_queues))
    return [spec.python, "-m", "harness_bootstrap", "worker", "--app", spec.celery_app,
            "--bodies", run.task_bodies, "--time-scale", str(run.time_scale), "--",
            *args, *FAST_START, "--hostname", f"harness-{run_id}@%h"]


def webhook_ref(spec: TargetSpec, description: dict[str, Any]) -> str | None:
    if spec.webhook_app:
        return spec.webhook_app
    return f"{spec.module}:app" if description.get("has_app") else None


@contextmanager
def launch(spec: TargetSpec, services: Services, contract: Contract, run: RunOptions, *, run_id: str,
           workdir: Path, secrets: RunSecrets, inherited: Mapping[str, str],
           monday_url: str | None = None, extra_env: Mapping[str, str] | None = None) -> Iterator[RunningTarget]:
    env = prepare_env(spec, services, secrets, run_id, workdir, inherited, monday_url, extra_env)
    description = inspect(spec, env)
    executions = ExecutionLog(workdir / "probe.jsonl")
    started: dict[str, Any] = {}  # the fault phase restarts and kills these
    with ExitStack() as stack:
        _start_worker(stack, spec, description, contract, run, run_id, env, workdir, executions, started)
        url, skip = _start_webhook(stack, spec, description, contract, env, workdir, started)
        publisher = processes.Publisher(
            [spec.python, "-m", "harness_bootstrap", "publish", "--app", spec.celery_app], env,
            workdir / "publisher.log")
        stack.callback(publisher.close)
        yield RunningTarget(spec, description, url, skip, executions, publisher, env, workdir, processes=started)


def _start_worker(stack: ExitStack, spec: TargetSpec, description: dict[str, Any], contract: Contract,
                  run: RunOptions, run_id: str, env: dict[str, str], workdir: Path,
                  executions: ExecutionLog, started: dict[str, Any]) -> None:
    log = workdir / "worker.log"
    command = worker_command(spec, description, contract, run, run_id)
    executor = processes.worker_executor(command, env, log, lambda: executions.ready_count() > 0)
    processes.start_process(executor, f"Celery worker of {spec.name}", log)
    stack.callback(processes.stop_process, executor)
    started["worker"] = executor


def _start_webhook(stack: ExitStack, spec: TargetSpec, description: dict[str, Any], contract: Contract,
                   env: dict[str, str], workdir: Path, started: dict[str, Any]) -> tuple[str | None, str | None]:
    if spec.webhook_url:
        return spec.webhook_url.rstrip("/") + contract.webhook.path, None
    ref = webhook_ref(spec, description)
    if ref is None:
        return None, f"target {spec.name!r} has no webhook app (no `app`, --webhook-app or --webhook-url)"
    port = port_for.select_random()
    log = workdir / "webhook.log"
    command = [spec.python, "-m", "uvicorn", ref, "--host", "127.0.0.1", "--port", str(port),
               "--log-level", "warning", "--no-access-log"]
    executor = processes.server_executor(command, env, log, port)
    processes.start_process(executor, f"webhook of {spec.name} ({ref})", log)
    stack.callback(processes.stop_process, executor)
    started["webhook"] = executor
    return f"http://127.0.0.1:{port}{contract.webhook.path}", None
