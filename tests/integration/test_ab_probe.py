"""harness ab's TTL and dead-letter probe against the machine's RabbitMQ and Redis (a few seconds)."""

from __future__ import annotations

import pytest

from harness.ab.probe import CASES, measure
from harness.config import ServiceSettings
from harness.services import provide
from harness.services.redis import redis_answers

pytestmark = [pytest.mark.live]


@pytest.mark.skipif(not redis_answers("redis://127.0.0.1:6379/0")[0], reason="no Redis answers on 127.0.0.1:6379")
def test_an_expired_task_is_kept_on_redis_and_dropped_or_dead_lettered_on_rabbitmq() -> None:
    with provide(ServiceSettings(backend="external"), run_id="probe-test") as servers:
        probe = measure(servers, "external", None, "probe-test-probe")
    assert probe["errors"] == {} and probe["cases"] == [c.name for c in CASES]
    assert probe["fates"]["redis"] == {
        "x-message-ttl": "kept", "x-message-ttl + x-dead-letter-exchange": "kept", "per-message expiration": "kept",
        "x-expires (idle queue)": "dropped", "rejected + x-dead-letter-exchange": "dropped"}
    assert probe["fates"]["rabbitmq"] == {
        "x-message-ttl": "dropped", "x-message-ttl + x-dead-letter-exchange": "dead-lettered",
        "per-message expiration": "dropped", "x-expires (idle queue)": "dropped",
        "rejected + x-dead-letter-exchange": "dead-lettered"}
