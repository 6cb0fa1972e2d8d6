"""Errors that stop the harness from running (exit code 2).

Each carries a one-line, secret-free reason for the user. Findings about the target are not errors:
they live in :mod:`harness.findings`.
"""

from __future__ import annotations

import re


class HarnessError(Exception):
    """The harness could not run. ``str(error)`` is the one-line reason shown to the user."""


class ConfigError(HarnessError):
    """A configuration file or option is invalid."""


class ServiceUnavailable(HarnessError):
    """A provisioning back-end cannot provide RabbitMQ or PostgreSQL."""


class TargetError(HarnessError):
    """The target cannot be imported or started."""


class WaitTimeout(HarnessError):
    """Something waited for did not come about in time; the message names what, and how long it was waited for."""

    def __init__(self, what: str, timeout_s: float, message: str | None = None) -> None:
        super().__init__(message or f"timed out after {timeout_s:g}s waiting for {what}")
        self.what, self.timeout_s = what, timeout_s


class StartupTimeout(WaitTimeout):
    """A process did not become ready in time; the message carries the tail of its log."""

    def __init__(self, what: str, timeout_s: float, log_tail: str) -> None:
        if "Traceback (most recent call last)" in log_tail:
            said = f"it ended with: {exception_summary(log_tail)}"
        else:
            said = "last log line: " + (log_tail.strip().splitlines()[-1:] or ["(no output)"])[0]
        super().__init__(what, timeout_s, f"{what} was not ready after {timeout_s:.0f}s; {said}")
        self.log_tail = log_tail


_FRAME = re.compile(r"^\s+(File \"|\^|~)")
SUMMARY_LINES = 4


def exception_summary(stderr: str) -> str:
    """The exception a Python process ended with, its first lines joined into one: the line after the last
    traceback frame and the lines that continue it (a pydantic ValidationError names the field on the
    second and third line), not only the last line of the output."""
    lines = [line.rstrip() for line in stderr.strip().splitlines() if line.strip()]
    start = _after_last_frame(lines)
    message = lines[start:start + SUMMARY_LINES]
    more = " ..." if len(lines) - start > SUMMARY_LINES else ""  # the rest is in the process's log
    return " | ".join(line.strip() for line in message) + more


def _after_last_frame(lines: list[str]) -> int:
    tracebacks = [i for i, line in enumerate(lines) if line.startswith("Traceback (most recent call last)")]
    if not tracebacks:  # not a Python traceback: its last line is the best guess
        return max(len(lines) - 1, 0)
    index = tracebacks[-1] + 1
    while index < len(lines) and (_FRAME.match(lines[index]) or lines[index].startswith("    ")):
        index += 1
    return min(index, max(len(lines) - 1, 0))
