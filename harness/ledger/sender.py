"""A paced sender of signed Monday webhooks, every send recorded in the ledger.

Open model: send ``k`` is due at ``k / rate`` seconds after the start and is handed to a thread pool at
that time, whether or not earlier sends were answered, so a stalled target does not slow the load
down. Every loop is bounded in count and time, and only loopback URLs are accepted.

Each delivery carries a fresh ``triggerUuid``. A delivery that got no 2xx is sent again later with
the same ``triggerUuid`` and ``isRetry: true``, as Monday retries (time-compressed here).
"""

from __future__ import annotations

import json
import math
import secrets
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any
from urllib.parse import urlsplit

import httpx

from harness.ledger.records import Attempt, Delivery
from harness.payloads.dialects import MONDAY, make_event, mark_retry
from harness.payloads.signers import signed_headers

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
PLACEHOLDER = "f" * 32
MAX_SENDS = 100_000
MAX_BURST = 500


def is_loopback(url: str) -> bool:
    return urlsplit(url).hostname in LOOPBACK


def templates(count: int, ratio: float, marker: dict[str, Any] | None,
              dialect: str = MONDAY) -> list[tuple[bytes, bytes, bool]]:
    """Payload bytes in ``dialect`` split around their ``triggerUuid``; ``ratio`` of them move an item to "À faire"."""
    found = []
    for i in range(count):
        status_change = int((i + 1) * ratio) > int(i * ratio)
        payload = make_event(dialect, status_change=status_change, trigger_uuid=PLACEHOLDER, marker=marker, seed=i)
        head, _, tail = json.dumps(payload, ensure_ascii=False).encode().partition(PLACEHOLDER.encode())
        found.append((head, tail, status_change))
    return found


def as_retry(body: bytes) -> bytes:
    """The same delivery as Monday sends it again: ``isRetry`` set beside its ``triggerUuid``."""
    return json.dumps(mark_retry(json.loads(body)), ensure_ascii=False).encode()


class WebhookSender:
    """Sends deliveries at a steady rate from a background thread; :attr:`deliveries` is the ledger."""

    def __init__(self, url: str, secret: str, scheme: str, *, marker: dict[str, Any] | None = None,
                 status_change_ratio: float = 0.5, timeout_s: float = 10.0, workers: int = 32,
                 dialect: str = MONDAY) -> None:
        if not is_loopback(url):
            raise ValueError(f"the ledger sends only to loopback addresses, not {urlsplit(url).hostname}")
        self.url, self._secret, self._scheme = url, secret, scheme
        self._templates = templates(64, min(max(status_change_ratio, 0.0), 1.0), marker, dialect)
        self._prefix = secrets.token_hex(4)
        self.deliveries: list[Delivery] = []
        self._lock = threading.Lock()
        self._futures: list[Future[None]] = []
        self._client = httpx.Client(timeout=timeout_s, limits=httpx.Limits(max_connections=workers))
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="harness-ledger-send")
        self._stop = threading.Event()
        self._halt = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, rate_rps: float, seconds: float) -> None:
        count = min(max(1, math.ceil(rate_rps * seconds)), MAX_SENDS)
        self._thread = threading.Thread(target=self._schedule, args=(rate_rps, count), daemon=True,
                                        name="harness-ledger-schedule")
        self._thread.start()

    def _schedule(self, rate_rps: float, count: int) -> None:
        start, offset = time.monotonic(), time.time() - time.monotonic()
        for k in range(count):
            due = start + k / rate_rps
            if self._halt.wait(max(0.0, due - time.monotonic())):
                return
            self._submit(due + offset)

    def halt(self) -> None:
        """End the schedule now (sends already handed out are still answered)."""
        self._halt.set()

    def burst(self, count: int) -> None:
        """``count`` extra deliveries right now (a spike, e.g. to have a backlog when a broker stops)."""
        for _ in range(min(count, MAX_BURST)):
            self._submit(time.time())

    def _submit(self, intended: float) -> None:
        with self._lock:
            if len(self.deliveries) >= MAX_SENDS:
                return
            seq = len(self.deliveries)
            head, tail, status_change = self._templates[seq % len(self._templates)]
            trigger = f"{self._prefix}{seq:024x}"
            delivery = Delivery(seq, trigger, intended, status_change, head + trigger.encode() + tail)
            self.deliveries.append(delivery)
            self._futures.append(self._pool.submit(self._send, delivery, delivery.body))

    def _send(self, delivery: Delivery, body: bytes) -> None:
        extra = {"aud": self.url} if self._scheme == "jwt" else {}
        headers = signed_headers(body, self._secret, self._scheme, **extra)
        t = time.time()
        try:
            status, error = self._client.post(self.url, content=body, headers=headers).status_code, None
        except httpx.HTTPError as exc:
            status, error = None, type(exc).__name__
        delivery.attempts.append(Attempt(t, status, error, time.time() - t))

    def join(self, timeout_s: float) -> bool:
        """Wait until the schedule is done and every send answered; ``False`` on timeout."""
        deadline = time.monotonic() + timeout_s
        if self._thread is not None:
            self._thread.join(timeout=timeout_s)
        with self._lock:
            pending = list(self._futures)
        _done, not_done = wait(pending, timeout=max(0.0, deadline - time.monotonic()))
        return not not_done

    def retry_unaccepted(self, rounds: int, delay_s: float, timeout_s: float = 30.0) -> int:
        """Send every delivery that got no 2xx again, up to ``rounds`` times; returns how many were resent."""
        resent = 0
        for _ in range(rounds):
            pending = [d for d in list(self.deliveries) if not d.accepted]
            if not pending or self._stop.wait(delay_s):
                break
            futures = [self._pool.submit(self._send, d, as_retry(d.body)) for d in pending]
            wait(futures, timeout=timeout_s)
            resent += len(pending)
        return resent

    def close(self) -> None:
        self._halt.set()
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._client.close()
