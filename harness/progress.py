"""Live progress of ``harness run``: phases, checks n/N, load rate and p99, broker figures, faults.

Two renderers share one state: :class:`RichProgress` (a live panel, in a terminal) and
:class:`PlainProgress` (one line per event, when stdout is not a TTY or ``CI`` is set). Both repeat
the current status when nothing was printed for ``HEARTBEAT_S`` seconds, so a long phase never
leaves the screen silent. Whatever is shown goes through the run's redactor.

Phases report through the methods below. A load or fault phase running inside pytest reaches the
progress object with ``config.stash[harness.progress_plugin.PROGRESS_KEY]`` and calls
``progress.phase("load", ...)`` then ``progress.load(rate_rps, p99_us, sent)`` about once a second.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, TextIO

from harness.redact import mask_url_passwords

HEARTBEAT_S = 4.0


@dataclass
class State:
    phase: str = "starting"
    detail: str = ""
    phase_started: float = field(default_factory=time.monotonic)
    total: int = 0
    done: int = 0
    current: str = ""
    outcomes: Counter[str] = field(default_factory=Counter)
    load: tuple[float, float | None, int | None] | None = None
    broker: dict[str, Any] | None = None

    def elapsed(self) -> str:
        seconds = int(time.monotonic() - self.phase_started)
        return f"{seconds // 60}:{seconds % 60:02d}"


def broker_summary(sample: dict[str, Any] | None) -> str:
    """The sampler's latest figures in one line (the target's queues; harness mirrors left out)."""
    if not sample:
        return ""
    queues = {n: q for n, q in (sample.get("queues") or {}).items() if not n.startswith("harness.")}
    memory = sample.get("memory_bytes")
    text = (f"broker {sum(q.get('messages', 0) for q in queues.values())} msgs in {len(queues)} queues, "
            f"in {sample.get('publish_rps', 0):.0f}/s, out {sample.get('deliver_rps', 0):.0f}/s, "
            f"{sample.get('consumers', 0)} consumers, {sample.get('connections', 0)} conns")
    return text + (f", {memory / 2**20:.0f} MiB" if memory else "")


def load_summary(load: tuple[float, float | None, int | None] | None) -> str:
    if load is None:
        return ""
    rate, p99_us, sent = load
    p99 = "—" if p99_us is None else f"{p99_us / 1000:.2f} ms"
    return f"load: {rate:.0f} req/s, p99 {p99}" + (f", {sent} sent" if sent is not None else "")


class Progress:
    """The shared state and the events phases report; subclasses decide how it is shown."""

    every_check = False  # print a line for passed checks too, not only for the others

    def __init__(self, stream: TextIO, owns_stream: bool = False) -> None:
        self.stream = stream
        self.owns_stream = owns_stream
        self.state = State()
        self.redact: Callable[[str], str] = mask_url_passwords
        self._lock = threading.RLock()

    def __enter__(self) -> Progress:
        self.start()
        return self

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def start(self) -> None:
        """Begin showing progress."""

    def stop(self) -> None:
        """Stop showing progress (idempotent)."""

    def close(self) -> None:
        """Stop, and release the private stdout handle if this object opened it."""
        self.stop()
        if self.owns_stream:
            self.stream.close()

    def emit(self, text: str) -> None:
        raise NotImplementedError

    def line(self, text: str) -> None:
        with self._lock:
            self.emit(self.redact(text))

    def phase(self, name: str, detail: str = "") -> None:
        with self._lock:
            self.state.phase, self.state.detail, self.state.phase_started = name, detail, time.monotonic()
            self.state.current = ""
        self.line(f"[{name}] {detail}".rstrip())

    def checks_total(self, total: int) -> None:
        self.state.total, self.state.done = total, 0
        self.phase("checks", f"{total} checks to run")

    def check_started(self, label: str) -> None:
        self.state.current = label

    def check_done(self, label: str, status: str, duration_s: float, findings: list[str]) -> None:
        with self._lock:
            self.state.done += 1
            self.state.outcomes[status] += 1
            if status != "passed" or self.every_check:
                self.line(f"[{self.state.done}/{self.state.total}] {status:7} {label} ({duration_s:.1f} s)")
            for finding in findings:
                self.line(f"    {finding}")

    def load(self, rate_rps: float, p99_us: float | None, sent: int | None = None) -> None:
        self.state.load = (rate_rps, p99_us, sent)

    def broker(self, sample: dict[str, Any]) -> None:
        self.state.broker = sample

    def status(self) -> str:
        """The current phase, with the figures that are known, in one line."""
        s = self.state
        head = f"{s.phase} {s.done}/{s.total}" if s.phase == "checks" else s.phase
        parts = [head, s.current or s.detail, s.elapsed(), load_summary(s.load), broker_summary(s.broker)]
        return " · ".join(p for p in parts if p)


class PlainProgress(Progress):
    """One line per event, plus a status line whenever the screen was silent for HEARTBEAT_S."""

    every_check = True

    def __init__(self, stream: TextIO, heartbeat_s: float = HEARTBEAT_S, owns_stream: bool = False) -> None:
        super().__init__(stream, owns_stream)
        self._heartbeat_s = heartbeat_s
        self._last = time.monotonic()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="harness-progress", daemon=True)

    def start(self) -> None:
        if not self._thread.is_alive() and not self._stopped.is_set():
            self._thread.start()

    def stop(self) -> None:
        self._stopped.set()

    def emit(self, text: str) -> None:
        self.stream.write(f"harness: {text}\n")
        self.stream.flush()
        self._last = time.monotonic()

    def _beat(self) -> None:
        while not self._stopped.wait(0.5):
            if time.monotonic() - self._last >= self._heartbeat_s:
                self.line(f"… {self.status()}")


def own_stdout() -> TextIO:
    """A private handle on stdout, which pytest's fd-level capture of each test does not redirect."""
    sys.stdout.flush()
    try:
        fd = os.dup(sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):
        return sys.stdout
    return os.fdopen(fd, "w", buffering=1, encoding=sys.stdout.encoding or "utf-8", errors="replace")


def make_progress(env: Mapping[str, str], stream: TextIO | None = None) -> Progress:
    """A live panel in a terminal; plain lines when stdout is not a TTY, ``CI`` is set or TERM is dumb."""
    stream = stream or own_stdout()
    owns = stream is not sys.stdout and stream is not sys.__stdout__
    if env.get("CI") or env.get("TERM") == "dumb" or not stream.isatty():
        return PlainProgress(stream, owns_stream=owns)
    from harness.progress_rich import RichProgress

    return RichProgress(stream, owns_stream=owns)
