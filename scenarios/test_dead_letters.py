"""Dead letters: one complete record after the last retry; nobody consumes the DLQ; handling outside the body;
bounded crash loops."""

import pytest

from harness.checks import dead_letters, dlq_consumers
from harness.checks.retries import FailedRun
from harness.session import Session

SUBJECT = {"subject": "ai_agent_background.process_monday_webhook"}


@pytest.mark.quick
@pytest.mark.check("dead_letters.dead_letters_after_max_retries", **SUBJECT)
def test_dead_letters_after_max_retries(harness_session: Session, failed_run: FailedRun) -> None:
    dead_letters.dead_letters_after_max_retries(harness_session, failed_run)


@pytest.mark.quick
@pytest.mark.check(dlq_consumers.CHECK, subject="dlq")
def test_dlq_has_no_consumer(harness_session: Session) -> None:
    dlq_consumers.dlq_has_no_consumer(harness_session)


@pytest.mark.quick
@pytest.mark.check("dead_letters.failure_handling_outside_task_body", **SUBJECT)
def test_failure_handling_outside_task_body(harness_session: Session, failed_run: FailedRun) -> None:
    dead_letters.failure_handling_outside_task_body(harness_session, failed_run)


@pytest.mark.check("dead_letters.crash_loop_is_bounded", **SUBJECT)
def test_crash_loop_is_bounded(harness_session: Session) -> None:
    dead_letters.crash_loop_is_bounded(harness_session)
