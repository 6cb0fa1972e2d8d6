"""Target processes: a Celery worker, a uvicorn server and a publisher, each under mirakuru.

Every process gets its own log file, waits on readiness (not on sleeps), and is stopped with its
whole process group. mirakuru also kills leftovers at interpreter exit, so Ctrl-C leaves nothing.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from mirakuru import Executor, TCPExecutor
from mirakuru.exceptions import ExecutorError

from harness.errors import StartupTimeout, TargetError, exception_summary
from harness.services.readiness import tail


class ReadyWhen(Executor):
    """A process that is ready when a predicate holds (for example a 'ready' probe event)."""

    def __init__(self, command: list[str], ready: Callable[[], bool], **kwargs: Any) -> None:
        super().__init__(command, **kwargs)
        self._ready = ready

    def pre_start_check(self) -> bool:
        return False

    def after_start_check(self) -> bool:
        return self._ready()


def _log_handle(log: Path) -> IO[str]:
    return log.open("a", encoding="utf-8")


def start_process(executor: Any, what: str, log: Path) -> Any:
    """Start an executor; on failure stop it and raise with the tail of its log."""
    try:
        executor.start()
    except ExecutorError as exc:
        stop_process(executor)
        reason = "exited" if "exited" in type(exc).__name__.lower() else "not ready"
        raise StartupTimeout(f"{what} ({reason})", float(executor._timeout), tail(log)) from None
    return executor


def stop_process(executor: Any) -> None:
    try:
        executor.stop()
    except (ExecutorError, OSError):
        executor.kill()


def worker_executor(command: list[str], env: Mapping[str, str], log: Path,
                    ready: Callable[[], bool], timeout_s: float = 60) -> ReadyWhen:
    handle = _log_handle(log)
    return ReadyWhen(command, ready, envvars=dict(env), stdout=handle, stderr=subprocess.STDOUT,
                     stdin=subprocess.DEVNULL, timeout=timeout_s)


def server_executor(command: list[str], env: Mapping[str, str], log: Path, port: int,
                    timeout_s: float = 30) -> TCPExecutor:
    handle = _log_handle(log)
    return TCPExecutor(command, "127.0.0.1", port, envvars=dict(env), stdout=handle,
                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, timeout=timeout_s)


def run_once(command: Sequence[str], env: Mapping[str, str], timeout_s: float = 60, log: Path | None = None,
             cwd: Path | None = None) -> str:
    """Run a short command in the target's environment; what it printed goes to ``log``, and on failure
    the error is the exception it ended with (:func:`exception_summary`)."""
    try:
        done = subprocess.run(list(command), env=dict(env), capture_output=True, text=True,
                              timeout=timeout_s, check=False, cwd=cwd)
    except subprocess.TimeoutExpired:
        raise TargetError(f"{' '.join(command[:4])} did not finish in {timeout_s:.0f}s") from None
    except OSError as exc:
        raise TargetError(f"cannot run {command[0]}: {exc.strerror}") from None
    if log is not None:
        log.write_text(done.stdout + done.stderr, encoding="utf-8")
    if done.returncode != 0:
        raise TargetError(exception_summary(done.stderr) or f"exit code {done.returncode}")
    return done.stdout


class Publisher:
    """A long-lived process that publishes through the target's own Celery app."""

    def __init__(self, command: list[str], env: Mapping[str, str], log: Path, workers: int = 1) -> None:
        self._workers = workers  # how many workers a remote-control command waits for
        self._log = _log_handle(log)
        self._proc = subprocess.Popen(command, env=dict(env), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=self._log, text=True, start_new_session=True)

    def publish(self, task: str, args: Sequence[Any] = (), kwargs: Mapping[str, Any] | None = None,
                **options: Any) -> dict[str, Any]:
        """Publish one task; returns ``{"id": ...}`` or ``{"error": ...}``."""
        return self._ask({"task": task, "args": list(args), "kwargs": dict(kwargs or {}), "options": options})

    def control(self, command: str, *args: Any, workers: int | None = None) -> dict[str, Any]:
        """Celery remote control through the target's app (``cancel_consumer``, ``add_consumer``); returns once
        ``workers`` nodes (every worker of the run, by default) have answered and acted, or after 15 s."""
        reply = self._ask({"control": command, "args": list(args), "limit": workers or self._workers})
        if "error" in reply:
            raise TargetError(f"{command} {' '.join(map(str, args))} failed in the target's app: {reply['error']}")
        if reply.get("settled") is False:
            raise TargetError(f"the worker did not act on {command} {' '.join(map(str, args))} within 15 s")
        return reply

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._proc.stdin.write(json.dumps(request) + "\n")
        self._proc.stdin.flush()
        line = self._proc.stdout.readline()
        if not line:
            raise TargetError(f"the target's publisher exited (code {self._proc.poll()})")
        reply: dict[str, Any] = json.loads(line)
        return reply

    def close(self) -> None:
        if self._proc.stdin:
            self._proc.stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._log.close()
