"""Broker metrics over time: a background thread polling the RabbitMQ management API.

It samples what the migration document's monitoring section lists (queue lengths, message rates,
connection count, consumer count, memory use) about once a second for the run's vhost, and keeps
the samples for the report's ``timeline`` (shape documented in ``harness.report.model``). A failed
poll is skipped, never raised: a sampler must not break the run it observes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx

from harness.errors import HarnessError
from harness.probes.management import Management

MAX_SAMPLES = 1800
QUEUE_COLUMNS = ("name,messages,messages_ready,messages_unacknowledged,consumers,"
                 "message_stats.publish_details.rate,message_stats.deliver_get_details.rate")


def _rate(stats: dict[str, Any] | None, key: str) -> float:
    details = (stats or {}).get(f"{key}_details") or {}
    return round(float(details.get("rate") or 0.0), 3)


def queue_row(queue: dict[str, Any]) -> dict[str, Any]:
    """One queue's depth and rates, as the report records them."""
    stats = queue.get("message_stats")
    return {"messages": int(queue.get("messages") or 0), "ready": int(queue.get("messages_ready") or 0),
            "unacked": int(queue.get("messages_unacknowledged") or 0),
            "consumers": int(queue.get("consumers") or 0),
            "publish_rps": _rate(stats, "publish"), "deliver_rps": _rate(stats, "deliver_get")}


def vhost_rates(vhost: dict[str, Any] | None) -> dict[str, float]:
    stats = (vhost or {}).get("message_stats")
    return {"publish_rps": _rate(stats, "publish"), "deliver_rps": _rate(stats, "deliver_get"),
            "ack_rps": _rate(stats, "ack")}


def node_memory(nodes: list[dict[str, Any]]) -> int | None:
    used = [int(n["mem_used"]) for n in nodes if isinstance(n.get("mem_used"), int | float)]
    return sum(used) if used else None


class BrokerStats(Management):
    """The management endpoints the sampler reads, beyond what the checks need."""

    def queue_rows(self, vhost: str) -> dict[str, dict[str, Any]]:
        response = self._request("GET", f"/queues/{quote(vhost, safe='')}", params={"columns": QUEUE_COLUMNS})
        response.raise_for_status()
        return {q["name"]: queue_row(q) for q in response.json() or []}

    def vhost(self, vhost: str) -> dict[str, Any] | None:
        found = self._get(f"/vhosts/{quote(vhost, safe='')}")
        return dict(found) if found else None

    def nodes(self) -> list[dict[str, Any]]:
        return list(self._get("/nodes") or [])

    def sample(self, vhost: str) -> dict[str, Any]:
        queues = self.queue_rows(vhost)
        return {"t": round(time.time(), 3), "queues": queues, "connections": len(self.connections(vhost)),
                "consumers": sum(q["consumers"] for q in queues.values()),
                "memory_bytes": node_memory(self.nodes()), **vhost_rates(self.vhost(vhost))}


class Sampler:
    """Polls ``vhost`` every ``interval_s`` seconds in a daemon thread, between ``start`` and ``stop``."""

    def __init__(self, api: BrokerStats, vhost: str, interval_s: float = 1.0,
                 on_sample: Callable[[dict[str, Any]], None] | None = None) -> None:
        self._api, self._vhost = api, vhost
        self._interval = min(max(interval_s, 0.2), 5.0)
        self._on_sample = on_sample
        self._samples: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="harness-sampler", daemon=True)
        self.errors = 0

    def __enter__(self) -> Sampler:
        return self.start()

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def start(self) -> Sampler:
        self._thread.start()
        return self

    def stop(self) -> list[dict[str, Any]]:
        """Stop polling (after one last sample) and return every sample taken."""
        if self._thread.is_alive():
            self._stop.set()
            self._thread.join(timeout=15)
        return self.samples()

    def samples(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._samples)

    def _loop(self) -> None:
        while True:
            started = time.monotonic()
            self._poll_once()
            if self._stop.wait(max(0.0, self._interval - (time.monotonic() - started))):
                self._poll_once()
                return

    def _poll_once(self) -> None:
        try:
            sample = self._api.sample(self._vhost)
        except (HarnessError, httpx.HTTPError, ValueError, KeyError, TypeError):
            self.errors += 1
            return
        with self._lock:
            self._samples.append(sample)
            if len(self._samples) > MAX_SAMPLES:
                self._samples = self._samples[::2]
        if self._on_sample is not None:
            self._on_sample(sample)
