"""Pre-generated signed deliveries: unique triggerUuid per send, valid signature, recognisable by prefix."""

from __future__ import annotations

import json

from harness.load.generator.bodies import WebhookBodies, new_prefix, trigger_of, trigger_pattern
from harness.payloads.factory import trigger_uuid_of
from harness.payloads.signers import verify_hex_hmac, verify_jwt

SECRET = "a-webhook-secret-long-enough-for-hs256"


def test_each_send_has_its_own_trigger_and_a_valid_signature() -> None:
    prefix = new_prefix()
    bodies = WebhookBodies("s3cret-value", "hmac-hex", "http://127.0.0.1/webhook/monday", prefix, pool=8)
    seen = set()
    for seq in range(20):
        body, headers = bodies.make(seq)
        payload = json.loads(body)
        assert trigger_uuid_of(payload) == trigger_of(prefix, seq)
        assert verify_hex_hmac(body, headers["X-Monday-Signature"], "s3cret-value")
        assert headers["Content-Type"] == "application/json"
        seen.add(trigger_uuid_of(payload))
    assert len(seen) == 20


def test_jwt_scheme_signs_for_the_webhook_url() -> None:
    url = "http://127.0.0.1:9/webhook/monday"
    _body, headers = WebhookBodies(SECRET, "jwt", url, new_prefix(), pool=2).make(0)
    assert verify_jwt(headers["Authorization"], SECRET, aud=url)


def test_status_change_share_is_exact() -> None:
    bodies = WebhookBodies("s", "none", "u", new_prefix(), pool=100, status_change_ratio=0.3, dialect="document")
    changes = sum("newColumnValues" in json.loads(bodies.make(i)[0])["event"] for i in range(100))
    assert changes == 30


def test_pattern_finds_own_trigger_in_a_celery_body_only() -> None:
    prefix = new_prefix()
    celery_body = json.dumps([[{"event": {}, "triggerUuid": trigger_of(prefix, 4242)}], {}, {}]).encode()
    match = trigger_pattern(prefix).search(celery_body)
    assert match is not None and int(match[1], 16) == 4242
    assert trigger_pattern(new_prefix()).search(celery_body) is None
