"""Routing: every routed task reaches its contract queue (static from configuration, live on the broker)."""

import pytest

from harness.checks import routing, webhook
from harness.session import Session

pytestmark = pytest.mark.quick


@pytest.mark.broker_only(
    "rabbitmq",
    "on Redis the broker matches nothing: the publishing process's kombu matches routing keys "
    "against the stored binding patterns, with its own version's rules (up to 5.6.2 '*' "
    "matched several words); routing.route_reaches_queue checks where each task really lands")
def test_route_key_matches_binding(harness_session: Session, contract_task: str) -> None:
    routing.route_key_matches_binding(harness_session.target.description, harness_session.config.contract,
                                      contract_task, harness_session.spec.name)


def test_route_reaches_queue(harness_session: Session, contract_task: str) -> None:
    routing.route_reaches_queue(harness_session, contract_task)


@pytest.mark.check("routing.webhook_enqueues_to_queue", subject="POST /webhook/monday")
def test_webhook_enqueues_to_queue(harness_session: Session) -> None:
    webhook.webhook_enqueues_to_queue(harness_session)


@pytest.mark.check("routing.publish_is_loss_safe", subject="ai_agent")
def test_publish_is_loss_safe(harness_session: Session) -> None:
    routing.publish_is_loss_safe(harness_session)
