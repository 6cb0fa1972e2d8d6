"""A dead letter is judged by what it tells a person, whatever shape the project gave it."""

from __future__ import annotations

import json

from harness.checks.dead_letters import RECORD_PARTS, missing_parts

TASK, TRIGGER = "ai_agent_background.process_monday_webhook", "trig-42"


def test_the_documents_record_dict_carries_everything() -> None:
    letter = [[{"original_task": TASK, "payload": {"event": {"triggerUuid": TRIGGER}},
                "error": "RuntimeError('injected failure')", "retries": 3}], {}, {}]
    assert missing_parts(json.dumps(letter), TASK, TRIGGER) == []


def test_positional_arguments_of_a_project_task_count_too() -> None:
    letter = [["shop.on_event", "task-id", "RuntimeError('injected failure')"],
              {"payload": {"triggerUuid": TRIGGER}}, {}]
    assert missing_parts(json.dumps(letter), "shop.on_event", TRIGGER) == []


def test_a_letter_without_the_error_or_the_payload_says_so() -> None:
    letter = [[{"task": TASK}], {}, {}]
    assert missing_parts(json.dumps(letter), TASK, TRIGGER) == list(RECORD_PARTS[1:])
