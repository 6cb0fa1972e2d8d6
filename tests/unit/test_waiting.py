"""The bounded wait: the value once it holds, the last value or False when time runs out, and a timeout that
names what was waited for."""

from __future__ import annotations

import itertools

import pytest

from harness.errors import HarnessError, StartupTimeout, WaitTimeout
from harness.waiting import poll, wait_for, wait_until


def test_poll_returns_the_first_value_that_is_done() -> None:
    counter = itertools.count()
    assert poll(lambda: next(counter), lambda n: n >= 3, timeout_s=5, interval_s=0) == 3


def test_poll_returns_the_last_value_when_time_runs_out() -> None:
    seen: list[int] = []
    counter = itertools.count()
    last = poll(lambda: seen.append(next(counter)) or seen[-1], lambda _: False, timeout_s=0.05, interval_s=0.01)
    assert len(seen) > 1 and last == seen[-1]


def test_wait_for_says_whether_the_condition_came_to_hold() -> None:
    assert wait_for(lambda: True, timeout_s=0)
    assert not wait_for(lambda: False, timeout_s=0.05, interval_s=0.01)


def test_wait_until_returns_the_value() -> None:
    assert wait_until(lambda: "ready", timeout_s=1, what="a value") == "ready"


def test_wait_until_names_what_it_waited_for_and_how_long() -> None:
    with pytest.raises(WaitTimeout, match=r"timed out after 0.05s waiting for the queue to drain") as raised:
        wait_until(lambda: 0, timeout_s=0.05, interval_s=0.01, what="the queue to drain")
    assert isinstance(raised.value, HarnessError)
    assert (raised.value.what, raised.value.timeout_s) == ("the queue to drain", 0.05)


def test_a_startup_timeout_is_a_wait_timeout_with_the_log_tail() -> None:
    error = StartupTimeout("webhook", 30, "line one\nline two")
    assert isinstance(error, WaitTimeout)
    assert str(error) == "webhook was not ready after 30s; last log line: line two"
