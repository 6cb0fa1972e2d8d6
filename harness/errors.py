"""Errors that stop the harness from running (exit code 2).

Each carries a one-line, secret-free reason for the user. Findings about the target are not errors:
they live in :mod:`harness.findings`.
"""

from __future__ import annotations


class HarnessError(Exception):
    """The harness could not run. ``str(error)`` is the one-line reason shown to the user."""


class ConfigError(HarnessError):
    """A configuration file or option is invalid."""


class ServiceUnavailable(HarnessError):
    """A provisioning back-end cannot provide RabbitMQ or PostgreSQL."""


class TargetError(HarnessError):
    """The target cannot be imported or started."""


class StartupTimeout(HarnessError):
    """A process did not become ready in time; the message carries the tail of its log."""

    def __init__(self, what: str, timeout_s: float, log_tail: str) -> None:
        tail = log_tail.strip().splitlines()[-1:] or ["(no output)"]
        super().__init__(f"{what} was not ready after {timeout_s:.0f}s; last log line: {tail[0]}")
        self.log_tail = log_tail
