"""Acks: a worker killed mid-task loses nothing."""

import pytest

from harness.checks import acks, consumer_timeout
from harness.session import Session


@pytest.mark.check("acks.sigkill_mid_task_loses_nothing", subject="ai_agent_background.process_monday_webhook")
def test_sigkill_mid_task_loses_nothing(harness_session: Session, record_property) -> None:  # type: ignore[no-untyped-def]
    record_property("runs", acks.sigkill_mid_task_loses_nothing(harness_session))


@pytest.mark.broker_only(
    "rabbitmq",
    "consumer_timeout is RabbitMQ's; on Redis an unacked delivery comes back after the transport's "
    "visibility_timeout instead (retries.countdown_within_visibility_timeout)")
@pytest.mark.check("acks.worker_survives_consumer_timeout", subject="ai_agent_background.process_monday_webhook")
def test_worker_survives_consumer_timeout(harness_session: Session, record_property) -> None:  # type: ignore[no-untyped-def]
    record_property("held_task_s", round(consumer_timeout.worker_survives_consumer_timeout(harness_session), 2))
