"""On Redis, a delivery a worker holds unacked longer than the transport's visibility_timeout is restored
to its queue and runs again: a countdown retry or an ETA is held exactly that way.

RabbitMQ's counterpart is consumer_timeout (``acks.worker_survives_consumer_timeout``). This check is
static: it compares the target's declared countdowns with the visibility_timeout its broker options give
kombu (an hour unless set), because waiting an hour is not a test.
"""

from __future__ import annotations

from typing import Any

from harness.checks.reproduce import harness_line
from harness.findings import CheckFailed, Finding, Severity
from harness.session import Session

CHECK = "retries.countdown_within_visibility_timeout"
KOMBU_DEFAULT_S = 3600.0


class CountdownOutlivesVisibility(CheckFailed):
    """A held countdown is longer than the time Redis lets a delivery stay unacknowledged."""


def longest_hold_s(session: Session) -> float:
    """The longest time the worker holds the retrying task's message: its declared countdown, or the
    contract's, whichever is longer."""
    policy = session.config.contract.retry
    info: dict[str, Any] = session.target.description.get("tasks", {}).get(policy.task, {})
    return max(float(info.get("countdown") or 0), policy.countdown_s)


def countdown_within_visibility_timeout(session: Session) -> None:
    options = session.target.description.get("conf", {}).get("broker_transport_options") or {}
    visibility = float(options.get("visibility_timeout") or KOMBU_DEFAULT_S)
    hold = longest_hold_s(session)
    if hold >= visibility:
        raise CountdownOutlivesVisibility(Finding(
            CHECK, session.config.contract.retry.task, Severity.HIGH,
            "a retry countdown outlives Redis's visibility timeout",
            f"broker_transport_options visibility_timeout above the longest countdown ({hold:g} s)",
            f"visibility_timeout={visibility:g} s: kombu restores a delivery left unacked that long, so the task "
            f"held for its {hold:g} s countdown runs again on another worker while the first still holds it",
            harness_line(session.spec.name, CHECK, "redis")))
