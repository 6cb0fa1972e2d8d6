"""Retries: the declared policy, and a failing task's runs, pace and final state."""

import pytest

from harness.checks import retries, visibility
from harness.checks.retries import FailedRun
from harness.session import Session

pytestmark = pytest.mark.quick
SUBJECT = {"subject": "ai_agent_background.process_monday_webhook"}


@pytest.mark.check("retries.declared_policy_matches_contract", **SUBJECT)
def test_declared_policy_matches_contract(harness_session: Session) -> None:
    retries.declared_policy_matches_contract(harness_session.target.description, harness_session)


@pytest.mark.check("retries.failing_task_runs_max_retries_plus_one", **SUBJECT)
def test_failing_task_runs_max_retries_plus_one(harness_session: Session, failed_run: FailedRun) -> None:
    retries.failing_task_runs_max_retries_plus_one(harness_session, failed_run)


@pytest.mark.check("retries.retries_follow_declared_countdown", **SUBJECT)
def test_retries_follow_declared_countdown(harness_session: Session, failed_run: FailedRun) -> None:
    retries.retries_follow_declared_countdown(harness_session, failed_run)


@pytest.mark.check("retries.final_failure_keeps_original_exception", **SUBJECT)
def test_final_failure_keeps_original_exception(harness_session: Session, failed_run: FailedRun) -> None:
    retries.final_failure_keeps_original_exception(harness_session, failed_run)


@pytest.mark.broker_only("redis", "visibility_timeout is kombu's Redis (and SQS) transport option; RabbitMQ's "
                                  "counterpart, consumer_timeout, is acks.worker_survives_consumer_timeout")
@pytest.mark.check("retries.countdown_within_visibility_timeout", subject="ai_agent_background.process_monday_webhook")
def test_countdown_within_visibility_timeout(harness_session: Session) -> None:
    visibility.countdown_within_visibility_timeout(harness_session)
