"""Models, dispatch and corpus: every sample parses into the right model and re-serialises."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from harness.payloads.corpus import corpus_names, load_corpus, load_sample
from harness.payloads.models import (
    ArchivePulseEvent,
    Challenge,
    CreatePulseEvent,
    CreateSubitemEvent,
    CreateUpdateEvent,
    DateChangeEvent,
    DeletePulseEvent,
    DocumentWebhook,
    GenericColumnChangeEvent,
    MondayWebhook,
    MovePulseIntoGroupEvent,
    OtherEvent,
    StatusChangeEvent,
    TextChangeEvent,
    UpdateNameEvent,
    as_json_bytes,
    parse_webhook,
)

EXPECTED_EVENT = {
    "archive_pulse": ArchivePulseEvent,
    "create_pulse": CreatePulseEvent,
    "create_subitem": CreateSubitemEvent,
    "create_update": CreateUpdateEvent,
    "delete_pulse": DeletePulseEvent,
    "move_pulse_into_group": MovePulseIntoGroupEvent,
    "subitem_delete_pulse": DeletePulseEvent,
    "subitem_update_column_value": StatusChangeEvent,
    "update_column_value_date": DateChangeEvent,
    "update_column_value_status": StatusChangeEvent,
    "update_column_value_text": TextChangeEvent,
    "update_name": UpdateNameEvent,
}


def test_corpus_holds_every_documented_sample() -> None:
    names = set(corpus_names())
    assert names >= set(EXPECTED_EVENT) | {"challenge", "document_button_colour", "document_oauth_feature"}


@pytest.mark.parametrize("name", corpus_names())
def test_every_corpus_sample_parses_and_reserialises_verbatim(name: str) -> None:
    body = load_sample(name)
    model = parse_webhook(body)
    assert json.loads(as_json_bytes(model)) == body
    assert parse_webhook(as_json_bytes(model)) == model


@pytest.mark.parametrize(("name", "event_class"), sorted(EXPECTED_EVENT.items()))
def test_native_samples_dispatch_to_their_event_class(name: str, event_class: type) -> None:
    model = parse_webhook(load_sample(name))
    assert isinstance(model, MondayWebhook)
    assert type(model.event) is event_class
    assert len(model.trigger_uuid) == 32


def test_challenge_sample() -> None:
    model = parse_webhook(load_corpus()["challenge"])
    assert isinstance(model, Challenge)
    assert model.challenge


def test_document_examples_are_the_documents_own() -> None:
    first = parse_webhook(load_sample("document_button_colour"))
    second = parse_webhook(load_sample("document_oauth_feature"))
    assert isinstance(first, DocumentWebhook)
    assert isinstance(second, DocumentWebhook)
    assert first.trigger_uuid == "webhook-trigger-123"
    assert first.type == "column_value_changed"
    assert first.event.is_status_change
    assert first.event.new_column_values is not None
    assert first.event.new_column_values["status"].text == "À faire"
    assert first.event.column_values.acceptance_criteria is None
    assert second.type == "create_pulse"
    assert second.trigger_uuid is None
    assert second.event.pulse_name == "Implémenter authentification OAuth2 avec Google"
    assert second.event.column_values.acceptance_criteria is not None


def test_subitem_parents_are_strings_on_items_and_ints_on_removals() -> None:
    created = parse_webhook(load_sample("create_subitem"))
    deleted = parse_webhook(load_sample("subitem_delete_pulse"))
    assert isinstance(created, MondayWebhook)
    assert isinstance(deleted, MondayWebhook)
    assert isinstance(created.event, CreateSubitemEvent)
    assert created.event.is_subitem
    assert created.event.parent_item_board_id == "5093714268"
    assert isinstance(deleted.event, DeletePulseEvent)
    assert deleted.event.parent_item_id == 5093751102


def _event(**overrides: Any) -> dict[str, Any]:
    body = load_sample("update_column_value_status")
    body["event"].update(overrides)
    return body


def test_unknown_column_types_keep_their_raw_value() -> None:
    model = parse_webhook(_event(columnType="numbers", value={"value": "42"}, previousValue={}))
    assert isinstance(model, MondayWebhook)
    assert isinstance(model.event, GenericColumnChangeEvent)
    assert model.event.value == {"value": "42"}


def test_unknown_event_types_are_kept_whole() -> None:
    model = parse_webhook(_event(type="create_column", columnId="text_x"))
    assert isinstance(model, MondayWebhook)
    assert isinstance(model.event, OtherEvent)
    assert json.loads(as_json_bytes(model)) == _event(type="create_column", columnId="text_x")


def test_unknown_keys_survive_a_round_trip() -> None:
    body = _event(retryCount=2, accountId=777)
    assert json.loads(as_json_bytes(parse_webhook(body))) == body


def test_parse_accepts_raw_json_text() -> None:
    raw = json.dumps(load_sample("create_update")).encode()
    model = parse_webhook(raw)
    assert isinstance(model, MondayWebhook)
    assert isinstance(model.event, CreateUpdateEvent)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"event": "not an object"},
        {"challenge": 42},
        _event(triggerUuid="webhook-trigger-123"),
        _event(triggerUuid="A" * 32),
        _event(boardId="5093714268"),
        _event(boardId=True),
        _event(triggerTime="2025-03-04 09:02:11"),
        _event(value={"label": {"index": 1}}),
        {"event": {"pulseId": 12, "boardId": "1", "pulseName": "x", "columnValues": {}}},
    ],
    ids=[
        "empty",
        "event-not-object",
        "challenge-not-str",
        "non-hex-trigger",
        "upper-hex-trigger",
        "string-board-id",
        "bool-board-id",
        "bad-trigger-time",
        "incomplete-status",
        "document-int-id",
    ],
)
def test_malformed_bodies_are_rejected(body: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        parse_webhook(body)


def test_discriminating_fields_are_always_written() -> None:
    event = StatusChangeEvent.model_validate(load_sample("update_column_value_status")["event"])
    rebuilt = StatusChangeEvent(**{k: getattr(event, k) for k in event.model_fields_set - {"type", "column_type"}})
    written = json.loads(as_json_bytes(rebuilt))
    assert written["type"] == "update_column_value"
    assert written["columnType"] == "color"
