"""The broker sampler: the document's metrics from management API payloads, polled in the background
without ever failing the run."""

from __future__ import annotations

import time
from itertools import pairwise
from typing import Any

import pytest

from harness.errors import ServiceUnavailable
from harness.probes import sampler as sampler_module
from harness.probes.sampler import Sampler, node_memory, queue_row, vhost_rates


def test_queue_row_reads_depth_consumers_and_rates() -> None:
    queue = {"name": "webhooks", "messages": 7, "messages_ready": 5, "messages_unacknowledged": 2, "consumers": 1,
             "message_stats": {"publish_details": {"rate": 12.5}, "deliver_get_details": {"rate": 11.0}}}
    assert queue_row(queue) == {"messages": 7, "ready": 5, "unacked": 2, "consumers": 1, "publish_rps": 12.5,
                                "deliver_rps": 11.0}
    assert queue_row({"name": "idle"})["publish_rps"] == 0.0


def test_vhost_rates_and_node_memory() -> None:
    stats = {"message_stats": {"publish_details": {"rate": 3}, "ack_details": {"rate": 2}}}
    assert vhost_rates(stats) == {"publish_rps": 3.0, "deliver_rps": 0.0, "ack_rps": 2.0}
    assert node_memory([{"mem_used": 100}, {"mem_used": 50}, {}]) == 150
    assert node_memory([]) is None


class FakeApi:
    def __init__(self, fail: bool = False) -> None:
        self.fail, self.calls = fail, 0

    def sample(self, vhost: str) -> dict[str, Any]:
        self.calls += 1
        if self.fail:
            raise ServiceUnavailable("RabbitMQ management API unreachable")
        return {"t": time.time(), "queues": {}, "connections": 1, "consumers": 0, "memory_bytes": None}


def test_polls_in_the_background_until_stopped() -> None:
    seen: list[dict[str, Any]] = []
    with Sampler(FakeApi(), "vh", interval_s=0.2, on_sample=seen.append) as sampler:  # type: ignore[arg-type]
        time.sleep(0.5)
    samples = sampler.samples()
    assert len(samples) >= 3 and samples == seen  # one at start, every 0.2 s, one last at stop
    assert all(a["t"] <= b["t"] for a, b in pairwise(samples))


def test_failed_polls_are_counted_not_raised() -> None:
    api = FakeApi(fail=True)
    with Sampler(api, "vh", interval_s=0.2) as sampler:  # type: ignore[arg-type]
        time.sleep(0.3)
    assert sampler.samples() == [] and sampler.errors == api.calls >= 2


def test_memory_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sampler_module, "MAX_SAMPLES", 4)
    sampler = Sampler(FakeApi(), "vh")  # type: ignore[arg-type]
    for _ in range(20):
        sampler._poll_once()
    assert len(sampler.samples()) <= 4
