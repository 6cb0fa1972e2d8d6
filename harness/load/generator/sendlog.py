"""Every send of a load run, for the load phase's ledger (``--sends-log``, JSON lines).

The Locust side (:class:`SendLog`, one per load process) notes each send's ``triggerUuid``, intended and
actual start, and HTTP answer, and writes them once the run has drained: the first line names the
prefix of the floor's own publishes (harness traffic, not the target's), then one line per send. The
harness side (:func:`read_sends`) turns them back into the ledger's deliveries. Times are epoch seconds.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.ledger.records import Attempt, Delivery

NO_ANSWER = "no answer"


@dataclass
class _Send:
    trigger: str
    intended: float
    t: float
    status_change: bool
    answer: str = NO_ANSWER
    elapsed_s: float = 0.0


class SendLog:
    def __init__(self, floor_prefix: str) -> None:
        self.floor_prefix = floor_prefix
        self._offset_s = time.time() - time.monotonic()
        self._sends: dict[int, _Send] = {}

    def __len__(self) -> int:
        return len(self._sends)

    def sent(self, seq: int, trigger: str, intended_ns: int, t0_ns: int, status_change: bool) -> None:
        self._sends[seq] = _Send(trigger, intended_ns / 1e9 + self._offset_s, t0_ns / 1e9 + self._offset_s,
                                 status_change)

    def answered(self, seq: int, answer: str, elapsed_s: float) -> None:
        """``answer``: the HTTP status (``"200"``), ``"timeout"`` or ``"error"``."""
        send = self._sends.get(seq)
        if send is not None:
            send.answer, send.elapsed_s = answer, elapsed_s

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = [json.dumps({"floor_prefix": self.floor_prefix})]
        lines += [json.dumps({"seq": seq, "trigger": s.trigger, "intended": round(s.intended, 6), "t": round(s.t, 6),
                              "status_change": s.status_change, "answer": s.answer,
                              "elapsed_s": round(s.elapsed_s, 6)}) for seq, s in self._sends.items()]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def attempt_of(line: dict[str, Any]) -> Attempt:
    answer = str(line.get("answer", NO_ANSWER))
    status = int(answer) if answer.isdigit() else None
    return Attempt(float(line["t"]), status, None if status is not None else answer, float(line.get("elapsed_s", 0)))


def own_path(path: Path, prefix: str, alone: bool) -> Path:
    """Where one load process writes: ``path`` itself, or beside it per worker (``sends-<prefix>.jsonl``)."""
    return path if alone else path.with_name(f"{path.stem}-{prefix}{path.suffix}")


def sends_files(path: Path) -> list[Path]:
    """``path`` and its workers' files beside it (``--processes``, ``--master``/``--worker``)."""
    found = [path] if path.is_file() else []
    return found + sorted(path.parent.glob(f"{path.stem}-*{path.suffix}"))


def read_sends(path: Path) -> tuple[list[Delivery], tuple[str, ...]]:
    """The deliveries of a sends log, and the prefixes of harness traffic (the floor's publishes) to leave out."""
    deliveries: list[Delivery] = []
    prefixes: list[str] = []
    for file in sends_files(path):
        for text in file.read_text(encoding="utf-8").splitlines():
            line = json.loads(text)
            if "floor_prefix" in line:
                prefixes.append(str(line["floor_prefix"]))
            elif "trigger" in line:
                deliveries.append(Delivery(int(line["seq"]), str(line["trigger"]), float(line["intended"]),
                                           bool(line.get("status_change")), b"", [attempt_of(line)]))
    return deliveries, tuple(prefixes)
