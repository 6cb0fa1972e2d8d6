"""Start :mod:`harness.load.daemons.tapd` and read what it reports.

Used from the Locust process, where gevent has patched ``subprocess``, so reading a line only blocks
the calling greenlet.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from harness.load.daemons.tapd import TapConfig

READY, OBSERVED, UNROUTED, FLOOR, END, FAILED = "r", "o", "u", "f", "e", "x"


@dataclass(frozen=True)
class TapEvent:
    kind: str
    seq: int = 0
    value: float = 0.0
    t_ns: int = 0
    text: str = ""


def parse(line: str) -> TapEvent | None:
    """One stdout line of tapd as an event (``None`` for a line that is not part of the protocol)."""
    kind, _, rest = line.strip().partition(" ")
    fields = rest.split()
    try:
        if kind == OBSERVED:
            return TapEvent(kind, seq=int(fields[0], 16), t_ns=int(fields[1]))
        if kind == UNROUTED:
            return TapEvent(kind, seq=int(fields[0], 16))
        if kind == FLOOR:
            return TapEvent(kind, value=float(fields[0]))
        if kind == END:
            return TapEvent(kind, seq=int(fields[0]), t_ns=int(fields[1]))
        if kind in (READY, FAILED):
            return TapEvent(kind, text=rest)
    except (IndexError, ValueError):
        return None
    return None


class TapProcess:
    """The tap subprocess. It is started early (imports take a while on a busy machine) and waits for its
    configuration; :meth:`configure` sends it, :meth:`close` ends the process by closing its stdin."""

    def __init__(self, cwd: Path | None = None, python: str = sys.executable) -> None:
        self._proc = subprocess.Popen([python, "-m", "harness.load.daemons.tapd"], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, cwd=cwd)

    @property
    def pid(self) -> int:
        return self._proc.pid

    def configure(self, config: TapConfig) -> None:
        assert self._proc.stdin is not None
        self._proc.stdin.write(json.dumps(asdict(config)).encode() + b"\n")
        self._proc.stdin.flush()

    def read(self) -> TapEvent | None:
        """The next event; ``None`` at end of output."""
        assert self._proc.stdout is not None
        while line := self._proc.stdout.readline():
            event = parse(line.decode(errors="replace"))
            if event is not None:
                return event
        return None

    def close(self) -> None:
        if self._proc.stdin is not None and not self._proc.stdin.closed:
            self._proc.stdin.close()

    def wait(self, timeout_s: float) -> int | None:
        try:
            return self._proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            return self._proc.wait()
