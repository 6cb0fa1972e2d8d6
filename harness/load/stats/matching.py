"""Pair each send with the first message carrying its ``triggerUuid``, and classify what went wrong.

A send is registered before its request is written. It completes when both its HTTP answer (2xx) and
its first tap observation are in, in either order. A non-2xx answer, a timeout or a transport error
ends it as a failure of that kind, whatever the tap saw. A 2xx send whose message has not reached a
queue ``deadline`` after it started is *lost*. Only completed sends carry a latency: failures never
leave a figure computed from the survivors alone.
"""

from __future__ import annotations

from dataclasses import dataclass

MATCHED, HTTP, TIMEOUT, ERROR, LOST = "matched", "http", "timeout", "error", "lost"
FAILURE_KINDS = (HTTP, TIMEOUT, ERROR, LOST)


@dataclass
class _Pending:
    intended_ns: int
    t0_ns: int
    observed_ns: int | None = None
    accepted: bool = False


@dataclass(frozen=True)
class Outcome:
    kind: str
    seq: int
    corrected_us: float | None = None
    uncorrected_us: float | None = None
    detail: str = ""

    @property
    def failed(self) -> bool:
        return self.kind != MATCHED


class Matcher:
    """Sends in flight, by sequence number (the per-send part of the ``triggerUuid``)."""

    def __init__(self, deadline_ns: int) -> None:
        self.deadline_ns = deadline_ns
        self._pending: dict[int, _Pending] = {}

    def __len__(self) -> int:
        return len(self._pending)

    def sent(self, seq: int, intended_ns: int, t0_ns: int) -> None:
        self._pending[seq] = _Pending(intended_ns, t0_ns)

    def observed(self, seq: int, t_ns: int) -> Outcome | None:
        """The tap saw the send's first message at ``t_ns`` (later copies and strangers are ignored)."""
        pending = self._pending.get(seq)
        if pending is None or pending.observed_ns is not None:
            return None
        pending.observed_ns = t_ns
        return self._complete(seq, pending) if pending.accepted else None

    def responded(self, seq: int, failure: str | None = None, detail: str = "") -> Outcome | None:
        """The HTTP exchange ended: ``failure`` is None for a 2xx, else HTTP/TIMEOUT/ERROR."""
        pending = self._pending.get(seq)
        if pending is None:
            return None
        if failure is not None:
            del self._pending[seq]
            return Outcome(failure, seq, detail=detail)
        pending.accepted = True
        return self._complete(seq, pending) if pending.observed_ns is not None else None

    def expire(self, now_ns: int) -> list[Outcome]:
        """Accepted sends still unseen ``deadline`` after they started: lost."""
        expired = []
        for seq, pending in self._pending.items():
            if now_ns - pending.t0_ns <= self.deadline_ns:
                break  # sends are registered in start order
            if pending.accepted and pending.observed_ns is None:
                expired.append(seq)
        for seq in expired:
            del self._pending[seq]
        return [Outcome(LOST, seq, detail=f"no message within {self.deadline_ns / 1e9:g}s") for seq in expired]

    def abandon(self) -> list[Outcome]:
        """End of the run: every accepted send still unseen is lost; unanswered ones are errors."""
        outcomes = [Outcome(LOST, seq, detail="no message before the run ended") if p.accepted
                    else Outcome(ERROR, seq, detail="no HTTP answer before the run ended")
                    for seq, p in self._pending.items()]
        self._pending.clear()
        return outcomes

    def _complete(self, seq: int, pending: _Pending) -> Outcome:
        del self._pending[seq]
        assert pending.observed_ns is not None
        return Outcome(MATCHED, seq, (pending.observed_ns - pending.intended_ns) / 1000,
                       (pending.observed_ns - pending.t0_ns) / 1000)
