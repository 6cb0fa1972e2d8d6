"""Signature comparison is constant-time, as far as a black box can tell.

Method. One fixed, correctly formed event body. Two wrong signatures of the same length: *A* is the
valid signature with only its last character changed (an early-exit comparison walks all of it);
*B* has its first character changed (an early-exit comparison stops at once). Pairs of requests, one
A and one B, are sent back to back on one keep-alive connection in a random order (seeded), after a
warm-up; the time of each is measured around the request with ``perf_counter_ns``. The statistic is
the median of the paired differences A − B with its exact sign-test confidence interval (99%,
:mod:`harness.checks.security.timing_stats`); the Mann-Whitney z of the two samples is reported beside it.

Verdict. A leak is reported only when the interval lies wholly above zero twice in a row (two
independent batches), so a noisy machine widens the interval rather than fails the check. When no
leak is seen, the check passes with a note giving the interval: a difference much smaller than its
half-width cannot be seen through HTTP on this machine. A plain ``==`` on a 64-character string differs
by nanoseconds, far below that, so a pass does not prove the comparison is constant-time; it proves
there is no leak of the size the note states. ``scripts/timing_resolution.py`` measures which known
delays the method detects, against a target that sleeps a chosen time on a nearly right signature.
"""

from __future__ import annotations

import http.client
import random
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from harness.checks.reproduce import pytest_line
from harness.checks.security.http import SUBJECT, event_body, headers_for
from harness.checks.security.timing_stats import MedianInterval, mann_whitney_z, median_interval
from harness.checks.webhook import webhook_url
from harness.findings import CheckSkipped, Finding, Severity, TimingLeak
from harness.session import Session

CHECK = "security.signature_comparison_constant_time"
PAIRS = {"quick": 150, "full": 400}
WARMUP = 30
CONFIDENCE = 0.99
HEX = "0123456789abcdef"


@dataclass(frozen=True)
class TimingResult:
    interval: MedianInterval
    z: float
    statuses: frozenset[int]

    def describe(self) -> str:
        return f"{self.interval.describe()}; Mann-Whitney z {self.z:+.1f}; answers {sorted(self.statuses)}"


def _changed(value: str, at: int) -> str:
    swap = HEX[(HEX.index(value[at]) + 1) % 16] if value[at] in HEX else "0"
    return value[:at] + swap + value[at + 1:]


def signature_pair(valid: str) -> tuple[str, str]:
    """(nearly right: last character changed, wrong from the first character), same length."""
    first = len(valid.split("=", 1)[0]) + 1 if "=" in valid else 0
    return _changed(valid, len(valid) - 1), _changed(valid, first)


class Timer:
    """Times POSTs on one keep-alive connection (http.client: less overhead and jitter than httpx)."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        self.connection = kind(parts.netloc, timeout=10)
        self.path = parts.path or "/"

    def post(self, body: bytes, headers: dict[str, str]) -> tuple[int, int]:
        """(status, nanoseconds from sending the request to reading the whole answer)."""
        started = time.perf_counter_ns()
        self.connection.request("POST", self.path, body=body, headers=headers)
        response = self.connection.getresponse()
        response.read()
        return response.status, time.perf_counter_ns() - started

    def close(self) -> None:
        self.connection.close()


def measure(url: str, body: bytes, a: dict[str, str], b: dict[str, str], pairs: int, seed: int = 0) -> TimingResult:
    """Interleaved, randomly ordered pairs of A and B; the median of A − B in microseconds."""
    timer, order = Timer(url), random.Random(seed)
    times: dict[str, list[float]] = {"a": [], "b": []}
    statuses: set[int] = set()
    try:
        for i in range(WARMUP + pairs):
            for which in (("a", "b") if order.random() < 0.5 else ("b", "a")):
                status, ns = timer.post(body, a if which == "a" else b)
                statuses.add(status)
                if i >= WARMUP:
                    times[which].append(ns / 1000)
    finally:
        timer.close()
    diffs = [x - y for x, y in zip(times["a"], times["b"], strict=True)]
    return TimingResult(median_interval(diffs, CONFIDENCE), mann_whitney_z(times["a"], times["b"]),
                        frozenset(statuses))


def _pair_headers(session: Session, body: bytes) -> tuple[dict[str, str], dict[str, str]]:
    scheme = session.config.contract.webhook.scheme
    if scheme not in ("hmac-hex", "agent"):
        raise CheckSkipped(f"the timing check compares signature strings; the {scheme} scheme has none to vary")
    valid = headers_for(session, body)
    header = next(k for k in valid if k.lower() in ("x-monday-signature", session.config.contract.webhook
                                                    .signature_header.lower()))
    nearly, wrong = signature_pair(valid[header])
    return {**valid, header: nearly}, {**valid, header: wrong}


def signature_comparison_constant_time(session: Session) -> str:
    """Raise :class:`TimingLeak` on a confirmed difference; otherwise return the note with the figures."""
    url = webhook_url(session)
    _, body, _ = event_body(session)
    a, b = _pair_headers(session, body)
    pairs = PAIRS["quick" if session.config.run.quick else "full"]
    first = measure(url, body, a, b, pairs, seed=1)
    if not first.interval.excludes_zero_above():
        return _note(first)
    second = measure(url, body, a, b, pairs, seed=2)
    if not second.interval.excludes_zero_above():
        return _note(second) + f" (a first batch suggested a difference: {first.describe()}; not confirmed)"
    raise TimingLeak(Finding(
        CHECK, SUBJECT, Severity.HIGH, "refusing a nearly right signature takes measurably longer than a wrong one",
        expected="the same time to refuse a signature whatever its prefix (hmac.compare_digest)",
        observed=f"two batches: {first.describe()}; {second.describe()}. A is the valid signature with its last "
                 "character changed, B with its first; a positive difference means an early-exit comparison",
        reproduce=pytest_line(session.spec.name, "constant_time")))


def _note(result: TimingResult) -> str:
    return (f"no timing difference detected: {result.describe()}. Differences below about "
            f"{result.interval.half_width:.0f} µs cannot be seen through HTTP here, so a plain == (nanoseconds) "
            "would not be detected either: this bounds the leak, it does not prove constant time")
