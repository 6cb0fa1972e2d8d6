"""Property tests: every generated body round-trips, validates, and verifies with each signer.

The number of examples comes from the loaded Hypothesis profile (``ci``, ``thorough``...): the
``thorough`` profile's 10,000 examples apply to each event strategy's property.  The two properties
that are not one event strategy's (the union ``any_event`` and the JWT claims) keep a normal count,
at most :data:`NOT_PER_EVENT_EXAMPLES`, so the thorough run spends its time on the event strategies.
The two body-covering schemes (``hmac-hex``, ``agent``) are checked on every generated
body.  Monday's JWT does not cover the body, so it gets its own property over the claims
(audience, ids, lifetime, clock) instead of being re-signed identically per event.
"""

from __future__ import annotations

import json
from typing import Any

import jwt
from hypothesis import given, settings

from harness.payloads import strategies as s
from harness.payloads.blocks import Unpacker, blocks
from harness.payloads.models import (
    ColumnChangeEvent,
    DocumentWebhook,
    ItemEvent,
    ItemRemovalEvent,
    MondayWebhook,
    WebhookModel,
    as_json_bytes,
    parse_webhook,
)
from harness.payloads.signers import (
    sign_agent,
    sign_hex_hmac,
    sign_jwt,
    signed_headers,
    verify_agent,
    verify_hex_hmac,
    verify_jwt,
)

SECRET = "test-webhook-secret-0123456789abcdef"
OTHER_SECRET = "another-webhook-secret-fedcba9876543210"
AUDIENCE = "https://agent.example.test/webhook/monday"

NOT_PER_EVENT_EXAMPLES = 1_000
_not_per_event = settings(max_examples=min(settings().max_examples, NOT_PER_EVENT_EXAMPLES))


def _round_trips(model: WebhookModel) -> bytes:
    body = as_json_bytes(model)
    parsed = parse_webhook(json.loads(body))
    assert type(parsed) is type(model)
    assert parsed == model
    if isinstance(model, MondayWebhook):
        assert isinstance(parsed, MondayWebhook)
        assert type(parsed.event) is type(model.event)
    return body


def _verifies(body: bytes) -> None:
    altered = body + b" "
    signature = sign_hex_hmac(body, SECRET)
    assert verify_hex_hmac(body, signature, SECRET)
    assert not verify_hex_hmac(altered, signature, SECRET)
    assert not verify_hex_hmac(body, signature, OTHER_SECRET)
    stamp, agent_signature = sign_agent(body, SECRET)
    assert verify_agent(body, stamp, agent_signature, SECRET)
    assert not verify_agent(altered, stamp, agent_signature, SECRET)
    assert not verify_agent(body, stamp, agent_signature, OTHER_SECRET)
    headers = signed_headers(body, SECRET)
    assert headers == {"Content-Type": "application/json", "X-Monday-Signature": signature}


def _check(model: WebhookModel) -> None:
    _verifies(_round_trips(model))


def _event(model: Any) -> Any:
    assert isinstance(model, MondayWebhook)
    return model.event


@given(s.challenges())
def test_challenges(model: WebhookModel) -> None:
    _check(model)


@given(s.create_pulse_events())
def test_create_pulse_events(model: WebhookModel) -> None:
    _check(model)
    assert _event(model).type == "create_pulse"
    assert not _event(model).is_subitem


@given(s.column_change_events())
def test_column_change_events(model: WebhookModel) -> None:
    _check(model)
    assert isinstance(_event(model), ColumnChangeEvent)


@given(s.update_name_events())
def test_update_name_events(model: WebhookModel) -> None:
    _check(model)


@given(s.create_update_events())
def test_create_update_events(model: WebhookModel) -> None:
    _check(model)
    event = _event(model)
    assert event.body.startswith("<p>")


@given(s.archive_pulse_events())
def test_archive_pulse_events(model: WebhookModel) -> None:
    _check(model)


@given(s.delete_pulse_events())
def test_delete_pulse_events(model: WebhookModel) -> None:
    _check(model)


@given(s.restore_pulse_events())
def test_restore_pulse_events(model: WebhookModel) -> None:
    _check(model)


@given(s.move_pulse_into_group_events())
def test_move_pulse_into_group_events(model: WebhookModel) -> None:
    _check(model)
    event = _event(model)
    assert event.dest_group.id == event.dest_group_id


@given(s.subitem_events())
def test_subitem_events(model: WebhookModel) -> None:
    _check(model)
    event = _event(model)
    if isinstance(event, ItemEvent):
        assert event.is_subitem
        assert isinstance(event.parent_item_id, str)
        assert isinstance(event.parent_item_board_id, str)
    else:
        assert isinstance(event, ItemRemovalEvent)
        assert isinstance(event.parent_item_id, int)


@given(s.document_events())
def test_document_events(model: WebhookModel) -> None:
    _check(model)
    assert isinstance(model, DocumentWebhook)
    assert not (model.event.harness or {}).keys() & {"fail", "hang", "kill"}, "generated markers must be inert"
    if model.event.is_status_change:
        assert model.type == "column_value_changed"
        assert model.event.new_column_values is not None
        assert model.event.new_column_values["status"].text == "À faire"


@_not_per_event
@given(s.any_event())
def test_any_event(model: WebhookModel) -> None:
    _check(model)


AUDIENCES = (AUDIENCE, "http://127.0.0.1:8000/webhook/monday", "https://exemple.fr/hooks/é")
_ISSUED_2020 = 1_577_836_800
_ISSUED_2023 = 1_700_000_000


@_not_per_event
@given(blocks())
def test_jwt_claims(u: Unpacker) -> None:
    aud = u.choice(AUDIENCES)
    account_id, user_id = u.between(1, 10**11), u.between(1, 10**9)
    ttl_s = u.between(1, 3600)
    token = sign_jwt(SECRET, aud=aud, account_id=account_id, user_id=user_id, ttl_s=ttl_s)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert (claims["accountId"], claims["userId"]) == (account_id, user_id)
    assert claims["exp"] - claims["iat"] == ttl_s
    assert verify_jwt(token, SECRET, aud=aud)
    assert not verify_jwt(token, OTHER_SECRET, aud=aud)
    assert not verify_jwt(token, SECRET, aud=aud + "/other")
    stale = sign_jwt(SECRET, aud=aud, ttl_s=ttl_s, now=u.between(_ISSUED_2020, _ISSUED_2023))
    assert not verify_jwt(stale, SECRET, aud=aud)
