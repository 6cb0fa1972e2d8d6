"""Wake greenlets at their intended send times with sub-millisecond precision.

gevent's default loop (libev over epoll) rounds timeouts up to whole milliseconds, so
``gevent.sleep(0.0003)`` returns about 1 ms later. Counted from the intended time, that overshoot
would add up to a millisecond of the generator's own making to every send. Instead, a real OS thread
(not patched by gevent) sleeps in ``select`` (µs timeouts) until the earliest deadline, then wakes the
gevent hub through an async watcher, which releases the waiting greenlets. It costs one thread
wake-up per send.
"""

from __future__ import annotations

import contextlib
import ctypes
import heapq
import itertools
import os
import time
from typing import Any

import gevent
from gevent.event import Event
from gevent.monkey import get_original

_select = get_original("select", "select")
_start_thread = get_original("_thread", "start_new_thread")
_allocate_lock = get_original("_thread", "allocate_lock")
IDLE_POLL_S = 0.05
NOT_WORTH_NS = 60_000  # closer than this, just go
PR_SET_TIMERSLACK = 29


def _tighten_timer_slack() -> None:
    """Linux lets a sleeping thread oversleep by 50 µs by default; ask for 5 µs (best effort)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_TIMERSLACK, 5_000, 0, 0, 0)


class PreciseWaker:
    def __init__(self) -> None:
        self._heap: list[tuple[int, int, Event]] = []
        self._ready: list[Event] = []
        self._lock = _allocate_lock()
        self._ids = itertools.count()
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_w, False)
        self._async: Any = gevent.get_hub().loop.async_()
        self._async.start(self._release)
        self._stopped = False
        _start_thread(self._run, ())

    def wait_until(self, deadline_ns: int) -> None:
        """Block the calling greenlet until ``time.monotonic_ns() >= deadline_ns`` (give or take ~0.1 ms)."""
        if deadline_ns - time.monotonic_ns() < NOT_WORTH_NS:
            return
        event = Event()
        with self._lock:
            earliest = not self._heap or deadline_ns < self._heap[0][0]
            heapq.heappush(self._heap, (deadline_ns, next(self._ids), event))
        if earliest:
            self._poke()
        event.wait()

    def close(self) -> None:
        self._stopped = True
        self._poke()
        self._async.stop()

    def _poke(self) -> None:
        with contextlib.suppress(BlockingIOError):  # a full pipe means it was poked already
            os.write(self._wake_w, b".")

    def _release(self) -> None:
        """In the hub: set the events the thread found due."""
        with self._lock:
            ready, self._ready = self._ready, []
        for event in ready:
            event.set()

    def _run(self) -> None:
        """In the OS thread: sleep until the earliest deadline (or a poke), move due entries to ready."""
        _tighten_timer_slack()
        while not self._stopped:
            with self._lock:
                earliest = self._heap[0][0] if self._heap else None
            timeout = IDLE_POLL_S if earliest is None else (earliest - time.monotonic_ns()) / 1e9
            if timeout > 0:
                if _select([self._wake_r], [], [], min(timeout, IDLE_POLL_S))[0]:
                    os.read(self._wake_r, 4096)
                continue
            self._move_due()

    def _move_due(self) -> None:
        now = time.monotonic_ns()
        with self._lock:
            while self._heap and self._heap[0][0] <= now:
                self._ready.append(heapq.heappop(self._heap)[2])
        self._async.send()
