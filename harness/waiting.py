"""Waiting, bounded: look again and again until something holds or a deadline passes.

The one polling loop of the harness. ``poll`` returns the last value it saw (for callers that read it
whether or not the wait succeeded), ``wait_for`` whether the condition came to hold, and ``wait_until``
the value once it holds, or a :class:`~harness.errors.WaitTimeout` naming what was waited for and for how
long. Each looks once more after its last sleep, so a condition that comes to hold during that sleep counts.
Under gevent (the Locust processes) ``time.sleep`` is patched and yields to the other greenlets.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from harness.errors import WaitTimeout

T = TypeVar("T")

INTERVAL_S = 0.05


def poll(probe: Callable[[], T], done: Callable[[T], object], timeout_s: float, interval_s: float = INTERVAL_S) -> T:
    """Call ``probe`` until ``done`` holds for its value or ``timeout_s`` has passed; returns the last value."""
    deadline = time.monotonic() + timeout_s
    value = probe()
    while not done(value) and time.monotonic() < deadline:
        time.sleep(interval_s)
        value = probe()
    return value


def wait_for(condition: Callable[[], object], timeout_s: float, interval_s: float = INTERVAL_S) -> bool:
    """Whether ``condition`` came to hold within ``timeout_s``."""
    return bool(poll(condition, bool, timeout_s, interval_s))


def wait_until(probe: Callable[[], T], timeout_s: float, interval_s: float = INTERVAL_S,
               what: str = "the condition") -> T:
    """The first truthy value of ``probe``; :class:`WaitTimeout` naming ``what`` if none came within ``timeout_s``."""
    value = poll(probe, bool, timeout_s, interval_s)
    if not value:
        raise WaitTimeout(what, timeout_s)
    return value
