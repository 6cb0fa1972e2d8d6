"""Priority: order within a queue, worker settings, and webhooks behind another queue's backlog."""

import pytest

from harness.checks import priority
from harness.session import Session


@pytest.mark.quick
@pytest.mark.check("priority.worker_settings_keep_priority", subject="worker")
def test_worker_settings_keep_priority(harness_session: Session) -> None:
    priority.worker_settings_keep_priority(harness_session)


@pytest.mark.quick
@pytest.mark.check("priority.backlog_consumed_highest_first", subject="webhooks")
def test_backlog_consumed_highest_first(harness_session: Session) -> None:
    priority.backlog_consumed_highest_first(harness_session)


@pytest.mark.check("priority.webhook_not_starved_by_backlog", subject="ai_agent_background.process_monday_webhook")
def test_webhook_not_starved_by_backlog(harness_session: Session, record_property) -> None:  # type: ignore[no-untyped-def]
    record_property("webhook_wait_s", priority.webhook_not_starved_by_backlog(harness_session))
