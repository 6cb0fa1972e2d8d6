"""Task messages told apart from Celery's event and control traffic (topology.messages_are_persistent)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from harness.checks.topology import messages_are_persistent
from harness.findings import TopologyMismatch
from harness.probes.tap import Observation


def seen(exchange: str, key: str, task: str | None, persistent: bool) -> Observation:
    return Observation("q", exchange, key, task, None, None, persistent, 0, b"{}")


EVENTS = [seen("celeryev", "task.sent", None, False), seen("celeryev", "worker.online", None, False),
          seen("celery.pidbox", "", None, False)]


def session(*observations: Observation) -> Any:
    description = {"conf": {}, "queues": [{"name": "webhooks", "exchange": "ai_agent"}], "tasks": {}}
    return SimpleNamespace(tap=SimpleNamespace(observations=lambda: list(observations)),
                           config=SimpleNamespace(contract=SimpleNamespace(exchange="ai_agent")),
                           target=SimpleNamespace(description=description),
                           spec=SimpleNamespace(name="task_events_target.py"), vhost="v")


def test_event_messages_are_named_not_judged() -> None:
    note = messages_are_persistent(session(seen("ai_agent", "webhook.x", "t.a", True), *EVENTS))
    assert note is not None
    assert "2 event messages on celeryev" in note and "1 control message on celery.pidbox" in note
    assert "not judged" in note


def test_no_note_without_monitoring_traffic() -> None:
    assert messages_are_persistent(session(seen("ai_agent", "webhook.x", "t.a", True))) is None


@pytest.mark.parametrize("task", ["t.a", None])  # a task header, or protocol 1 on a task exchange
def test_a_transient_task_message_still_fails(task: str | None) -> None:
    with pytest.raises(TopologyMismatch) as caught:
        messages_are_persistent(session(seen("ai_agent", "webhook.x", task, False), *EVENTS))
    observed = caught.value.findings[0].observed
    assert "celeryev" in observed and "task.sent" not in caught.value.findings[0].subject
