"""The two webhook dialects: Monday's native body and the document's flavour, and the triggerUuid in both."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings

from harness.ledger.evidence import find_trigger
from harness.load.generator.bodies import WebhookBodies, trigger_of, trigger_pattern
from harness.payloads import parse_webhook
from harness.payloads.corpus import samples_in
from harness.payloads.dialects import DIALECTS, DOCUMENT, MONDAY, dialect_of, make_event, mark_retry
from harness.payloads.factory import HARNESS_MARKER_KEY, trigger_uuid_of
from harness.payloads.models import DocumentWebhook, MondayWebhook
from harness.payloads.strategies import events_in
from harness.probes.tap import trigger_in_body

TRIGGER = "0123456789abcdef0123456789abcdef"
MODELS = {MONDAY: MondayWebhook, DOCUMENT: DocumentWebhook}


def celery_body(payload: dict[str, object]) -> bytes:
    """A Celery protocol-2 message body whose one argument is the payload."""
    return json.dumps([[payload], {}, {"callbacks": None}]).encode()


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("status_change", [False, True])
def test_each_dialect_makes_valid_bodies_of_its_own_shape(dialect: str, status_change: bool) -> None:
    body = make_event(dialect, status_change=status_change, trigger_uuid=TRIGGER, seed=4, marker={"fail": True})
    assert isinstance(parse_webhook(json.dumps(body)), MODELS[dialect])
    assert dialect_of(body) == dialect and trigger_uuid_of(body) == TRIGGER
    assert body["event"][HARNESS_MARKER_KEY] == {"fail": True}
    assert body == make_event(dialect, status_change=status_change, trigger_uuid=TRIGGER, seed=4, marker={"fail": True})


def test_the_native_body_keeps_type_and_trigger_inside_event() -> None:
    change = make_event(MONDAY, status_change=True, trigger_uuid=TRIGGER, board_id="987654321")
    assert list(change) == ["event"] and change["event"]["triggerUuid"] == TRIGGER
    event = change["event"]
    assert (event["type"], event["columnType"], event["boardId"]) == ("update_column_value", "color", 987654321)
    assert (event["value"]["label"]["text"], event["previousValue"]["label"]["text"]) == ("À faire", "Backlog")
    assert event["isRetry"] is False
    assert make_event(MONDAY, status_change=False)["event"]["type"] == "create_pulse"


def test_the_document_flavour_keeps_type_and_trigger_beside_event() -> None:
    body = make_event(DOCUMENT, status_change=True, trigger_uuid=TRIGGER)
    assert body["triggerUuid"] == TRIGGER and body["type"] == "column_value_changed"
    assert "type" not in body["event"] and "triggerUuid" not in body["event"]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_retry_is_marked_beside_the_trigger(dialect: str) -> None:
    body = make_event(dialect, status_change=False, trigger_uuid=TRIGGER)
    again = mark_retry(body)
    holder = again["event"] if dialect == MONDAY else again
    assert holder["isRetry"] is True and trigger_uuid_of(again) == TRIGGER
    assert body.get("isRetry") is None and body["event"].get("isRetry") in (None, False)


def test_an_unknown_dialect_is_refused() -> None:
    with pytest.raises(ValueError, match="dialect 'native'"):
        make_event("native", status_change=False)
    with pytest.raises(ValueError, match="dialect"):
        events_in("native")


@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_trigger_is_found_in_a_task_message_of_either_dialect(dialect: str) -> None:
    payload = make_event(dialect, status_change=True, trigger_uuid=TRIGGER)
    assert trigger_in_body(celery_body(payload)) == TRIGGER
    assert find_trigger(json.loads(celery_body(payload))) == TRIGGER


@pytest.mark.parametrize("dialect", DIALECTS)
def test_load_bodies_speak_the_dialect_and_the_load_tap_finds_their_trigger(dialect: str) -> None:
    bodies = WebhookBodies("s", "none", "u", "abcd1234", pool=10, status_change_ratio=0.3, dialect=dialect)
    payloads = [json.loads(bodies.make(seq)[0]) for seq in range(10)]
    assert {dialect_of(p) for p in payloads} == {dialect}
    assert [trigger_uuid_of(p) for p in payloads] == [trigger_of("abcd1234", seq) for seq in range(10)]
    match = trigger_pattern("abcd1234").search(celery_body(payloads[7]))
    assert match is not None and int(match[1], 16) == 7
    changes = sum(bodies.status_change(seq) for seq in range(10))
    assert changes == 3


def test_the_corpus_holds_samples_of_both_dialects() -> None:
    assert sorted(samples_in(DOCUMENT)) == ["document_button_colour", "document_oauth_feature"]
    assert "update_column_value_status" in samples_in(MONDAY) and "challenge" not in samples_in(MONDAY)


@settings(max_examples=20, deadline=None)
@given(events_in(MONDAY), events_in(DOCUMENT))
def test_the_strategies_yield_each_dialect(native: MondayWebhook, document: DocumentWebhook) -> None:
    assert dialect_of(native.model_dump(by_alias=True)) == MONDAY
    assert dialect_of(document.model_dump(by_alias=True)) == DOCUMENT
