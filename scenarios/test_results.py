"""Results: rows in celery_taskmeta for everything that ran; enqueued ids without a row are lost."""

import pytest

from harness.checks import results
from harness.session import Session

pytestmark = pytest.mark.quick


@pytest.mark.check("results.every_execution_has_a_row", subject="celery_taskmeta")
def test_every_execution_has_a_row(harness_session: Session) -> None:
    results.every_execution_has_a_row(harness_session)


@pytest.mark.check("results.no_enqueued_task_is_lost", subject="published by the harness")
def test_no_enqueued_task_is_lost(harness_session: Session) -> None:
    results.no_enqueued_task_is_lost(harness_session)
