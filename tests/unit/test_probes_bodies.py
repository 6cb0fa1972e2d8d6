"""Task bodies the way Celery's consumer reads them: real Celery messages (kombu's in-memory transport)
with every compression and serializer a target may configure, as the AMQP and Redis taps record them."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import pytest
from celery import Celery

from harness.checks.live import skip_if_undecodable
from harness.findings import CheckSkipped
from harness.ledger.evidence import trigger_of
from harness.load.generator.bodies import trigger_of as load_trigger
from harness.load.generator.bodies import trigger_pattern
from harness.payloads.factory import make_document_event
from harness.probes.bodies import decode_body, searchable
from harness.probes.redis_tap import observation_of
from harness.probes.tap import Observation, ObservationLog, trigger_in_body

TASK = "ai_agent_background.process_monday_webhook"
COMPRESSIONS = (None, "gzip", "bzip2", "zlib")
SERIALIZERS = ("json", "pickle", "msgpack", "yaml")


def celery_envelope(payload: dict[str, Any], compression: str | None, serializer: str) -> dict[str, Any]:
    """The kombu envelope of ``TASK(payload)`` as a Celery app so configured publishes it."""
    app = Celery("bodies", broker="memory://", set_as_current=False)
    app.conf.update(task_compression=compression, task_serializer=serializer)
    queue = f"q-{uuid.uuid4().hex}"
    app.send_task(TASK, args=[payload], queue=queue)
    with app.connection_for_write() as connection:
        envelope: dict[str, Any] = connection.default_channel._get(queue)
    return envelope


def amqp_observation(envelope: dict[str, Any], t_ns: int = 0) -> Observation:
    """What the AMQP tap records: the raw body bytes and the message's properties and headers."""
    headers = envelope["headers"]
    return Observation("webhooks", "", "webhooks", headers["task"], headers["id"], 0, True, t_ns,
                       base64.b64decode(envelope["body"]), envelope["content-type"], envelope["content-encoding"],
                       headers.get("compression"))


@pytest.mark.parametrize("serializer", SERIALIZERS)
@pytest.mark.parametrize("compression", COMPRESSIONS)
def test_every_compression_and_serializer_gives_the_trigger(compression: str | None, serializer: str) -> None:
    payload = make_document_event(status_change=True)
    envelope = celery_envelope(payload, compression, serializer)
    for observation in (amqp_observation(envelope), observation_of("webhooks", json.dumps(envelope).encode(), 0)):
        assert observation.why_undecodable == ""
        assert observation.trigger == payload["triggerUuid"]
        assert observation.decoded.args[0]["triggerUuid"] == payload["triggerUuid"]
        assert payload["triggerUuid"].encode() in observation.plain


def test_raw_json_reading_was_blind_to_a_gzip_body() -> None:
    payload = make_document_event(status_change=True)
    observation = amqp_observation(celery_envelope(payload, "gzip", "json"))
    assert observation.compression == "application/x-gzip"
    assert trigger_in_body(observation.body) is None  # without the compression header nothing is readable
    assert observation.trigger == payload["triggerUuid"]


def test_load_tap_pattern_finds_a_compressed_send() -> None:
    payload = {**make_document_event(status_change=False), "triggerUuid": load_trigger("abcd1234", 42)}
    observation = amqp_observation(celery_envelope(payload, "bzip2", "pickle"))
    match = trigger_pattern("abcd1234").search(
        searchable(observation.body, observation.content_type, observation.content_encoding, observation.compression))
    assert match is not None and int(match[1], 16) == 42


def test_ledger_finds_a_trigger_nested_in_a_compressed_record() -> None:
    record = {"original_task": TASK, "payload": {"event": {"triggerUuid": "nested-1"}}}
    observation = amqp_observation(celery_envelope(record, "gzip", "msgpack"))
    assert observation.trigger is None
    assert trigger_of(observation) == "nested-1"


@pytest.mark.parametrize(("body", "content_type", "compression", "reason"), [
    (b"\x28\xb5\x2f\xfd", "application/json", "application/x-snappy", "application/x-snappy"),
    (b"not gzip at all", "application/json", "application/x-gzip", "does not decompress"),
    (b"\x00\x01", "application/x-protobuf", None, "kombu cannot decode"),
    (b"\x80\x04garbage", "application/x-python-serialize", None, "does not decode"),
    (b"\xc1\xc1", "application/x-msgpack", None, "does not decode"),
    (b"{half", "application/json", None, "does not decode"),
    (b"\xff\xfe", None, None, "no content type"),
])
def test_an_unreadable_body_says_why_and_never_raises(body: bytes, content_type: str | None,
                                                      compression: str | None, reason: str) -> None:
    decoded = decode_body(body, content_type, "binary", compression)
    assert not decoded.ok and reason in decoded.reason
    assert decoded.args == []
    assert searchable(body, content_type, "binary", compression) == body


def test_the_tap_lists_undecodable_messages_in_a_window_and_checks_skip() -> None:
    log = ObservationLog()
    readable = amqp_observation(celery_envelope(make_document_event(status_change=False), "zlib", "yaml"), t_ns=10)
    unreadable = Observation("webhooks", "", "webhooks", TASK, "id-2", 0, True, 20, b"\x00", "application/json",
                             "utf-8", "application/x-brotli-missing")
    for observation in (readable, unreadable):
        log.record(observation)
    assert log.undecodable() == [unreadable]
    assert log.undecodable(since_ns=21) == []
    skip_if_undecodable((), "while fuzzing")  # nothing unread: the check may pass
    with pytest.raises(CheckSkipped, match="could not decode 1 message"):
        skip_if_undecodable((f"webhooks: {unreadable.why_undecodable}",), "while fuzzing")
