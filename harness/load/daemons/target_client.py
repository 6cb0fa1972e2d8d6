"""Start :mod:`harness.load.daemons.serve` (a session with a running target) and read how to reach it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from harness.errors import HarnessError


class ServedTarget:
    """The serve subprocess; :meth:`info` is its JSON line, :meth:`stop` ends the session cleanly."""

    def __init__(self, target: str, services: str, cwd: Path | None = None, python: str = sys.executable) -> None:
        self._proc = subprocess.Popen([python, "-m", "harness.load.daemons.serve", "--target", target,
                                       "--services", services], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      cwd=cwd)

    def info(self) -> dict[str, Any]:
        """Blocks until the session is up (the caller bounds the wait)."""
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            raise HarnessError(f"the target session exited (code {self._proc.wait()})")
        data: dict[str, Any] = json.loads(line)
        if "error" in data:
            raise HarnessError(str(data["error"]))
        return data

    def stop(self, timeout_s: float = 60) -> None:
        if self._proc.stdin is not None and not self._proc.stdin.closed:
            self._proc.stdin.close()
        try:
            self._proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
