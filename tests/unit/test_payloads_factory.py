"""The document-flavour factory used by load tests and worker-probe checks."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from harness.payloads.factory import (
    HARNESS_MARKER_KEY,
    STATUS_AFTER,
    STATUS_BEFORE,
    make_document_event,
    trigger_uuid_of,
)
from harness.payloads.models import DocumentWebhook, as_json_bytes, parse_webhook


@pytest.mark.parametrize("status_change", [True, False])
def test_factory_bodies_validate_as_document_flavour(status_change: bool) -> None:
    for seed in range(50):
        body = make_document_event(status_change=status_change, seed=seed)
        model = parse_webhook(body)
        assert isinstance(model, DocumentWebhook)
        assert json.loads(as_json_bytes(model)) == body
        assert model.event.is_status_change is status_change


def test_status_change_goes_from_backlog_to_a_faire() -> None:
    body = make_document_event(status_change=True, seed=3)
    assert body["type"] == "column_value_changed"
    assert body["event"]["previousColumnValues"] == {"status": {"text": STATUS_BEFORE}}
    assert body["event"]["newColumnValues"] == {"status": {"text": STATUS_AFTER}}
    assert STATUS_AFTER == "À faire"


def test_creation_has_no_status_columns() -> None:
    body = make_document_event(status_change=False, seed=3)
    assert body["type"] == "create_pulse"
    assert "previousColumnValues" not in body["event"]
    assert "newColumnValues" not in body["event"]


def test_columns_are_the_documents() -> None:
    columns = make_document_event(status_change=False, seed=8)["event"]["columnValues"]
    assert {"task_type", "priority", "repository_url", "branch_name", "description"} <= set(columns)
    assert all(set(cell) == {"text"} for cell in columns.values())
    assert columns["repository_url"]["text"].startswith("https://github.com/")
    assert re.match(r"^(feature|fix|test|refactor|docs)/[a-z0-9-]+$", columns["branch_name"]["text"])


def test_seeded_bodies_are_deterministic_and_seeds_differ() -> None:
    first = make_document_event(status_change=True, seed=42)
    assert first == make_document_event(status_change=True, seed=42)
    assert first != make_document_event(status_change=True, seed=43)
    assert re.fullmatch(r"[0-9a-f]{32}", first["triggerUuid"])


def test_unseeded_bodies_get_fresh_trigger_uuids() -> None:
    uuids = {make_document_event(status_change=False)["triggerUuid"] for _ in range(200)}
    assert len(uuids) == 200
    assert all(re.fullmatch(r"[0-9a-f]{32}", u) for u in uuids)


def test_explicit_trigger_uuid_and_board_are_kept() -> None:
    body = make_document_event(status_change=False, trigger_uuid="abc", seed=1, board_id=987654321)
    assert body["triggerUuid"] == "abc"
    assert body["event"]["boardId"] == "987654321"
    assert trigger_uuid_of(body) == "abc"


def test_marker_is_copied_into_the_event() -> None:
    marker: dict[str, Any] = {"fail": 2, "nested": {"hang_s": 5}}
    body = make_document_event(status_change=True, marker=marker, seed=5)
    assert body["event"][HARNESS_MARKER_KEY] == marker
    assert HARNESS_MARKER_KEY == "__harness__"
    marker["nested"]["hang_s"] = 0
    assert body["event"][HARNESS_MARKER_KEY]["nested"]["hang_s"] == 5
    model = parse_webhook(body)
    assert isinstance(model, DocumentWebhook)
    assert model.event.harness == {"fail": 2, "nested": {"hang_s": 5}}
    assert b'"__harness__"' in as_json_bytes(model)


def test_no_marker_key_without_a_marker() -> None:
    assert HARNESS_MARKER_KEY not in make_document_event(status_change=True, seed=5)["event"]


def test_trigger_uuid_of_reads_both_flavours() -> None:
    assert trigger_uuid_of({"event": {"triggerUuid": "inner"}}) == "inner"
    assert trigger_uuid_of({"triggerUuid": "top", "event": {"triggerUuid": "inner"}}) == "top"
    assert trigger_uuid_of({"challenge": "x"}) is None
    assert trigger_uuid_of({"event": "junk"}) is None
