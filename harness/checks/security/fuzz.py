"""Hypothesis fuzzing of the webhook's bodies and headers.

Each generated request mixes a body (a real Monday or document event, any JSON value, raw bytes, or a
damaged event), a signature (valid for the body, missing, garbage, or valid for another body), a
content type and a few extra headers. Whether the request is *verified* is decided by the harness's
own verifier for the contract's scheme, from the exact bytes and headers sent. Two properties:
no request gets a 5xx (or no answer), and no unverified request is enqueued.

Runs are bounded (``max_examples``), derandomized and use no example database, so the same harness
sends the same requests every time. Every JSON-object body carries ``triggerUuid`` = run nonce +
example index, so a message on the tap names the request that caused it.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import strategies as st

from harness.checks.live import skip_if_undecodable, undecodable_since
from harness.checks.security.http import SUBJECT, Answer, Probe, headers_for, reproduce, send, settle
from harness.checks.webhook import webhook_url
from harness.findings import Finding, FuzzedRequestCrashed, Severity, UnverifiedBodyEnqueued
from harness.payloads.signers import verify_headers
from harness.payloads.strategies import any_event, as_json_bytes
from harness.session import Session

NEVER_5XX = "security.fuzzed_requests_never_5xx"
NEVER_UNVERIFIED = "security.fuzzed_requests_never_enqueue_unverified"
EXAMPLES = {"quick": 80, "full": 250}
RESERVED = {"host", "content-length", "transfer-encoding", "connection", "expect", "upgrade", "te", "trailer",
            "keep-alive"}
JSON_TYPE = ("application/json",) * 12  # most requests must get past a content-type check to test the rest
CONTENT_TYPES = (*JSON_TYPE, "application/json; charset=utf-8", "APPLICATION/JSON", "text/plain", "",
                 "application/x-www-form-urlencoded", "multipart/form-data; boundary=x")
SIGNATURES = ("valid", "valid", "none", "garbage", "other-body", "altered")
PRINTABLE = st.characters(min_codepoint=0x21, max_codepoint=0x7E)
HEADER_NAMES = st.sampled_from(["Content-Encoding", "X-Forwarded-For", "Authorization", "x-monday-timestamp",
                                "X-Monday-Signature", "isRetry", "X-Request-Id"]) | st.text(
    st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789-"), min_size=1, max_size=16)

SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
JSON_VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)


@dataclass(frozen=True)
class Draw:
    kind: str
    content: Any
    signature: str
    content_type: str
    extra: dict[str, str]


def requests() -> st.SearchStrategy[Draw]:
    bodies = st.one_of(st.tuples(st.just("event"), any_event()), st.tuples(st.just("json"), JSON_VALUES),
                       st.tuples(st.just("bytes"), st.binary(max_size=512)),
                       st.tuples(st.just("damaged"), st.tuples(any_event(), st.integers(0, 400))))
    extra = st.dictionaries(HEADER_NAMES, st.text(PRINTABLE, max_size=40), max_size=3)
    content_type = st.integers(0, 9).flatmap(
        lambda i: st.text(PRINTABLE, max_size=30) if i == 0 else st.sampled_from(CONTENT_TYPES))
    return st.builds(lambda b, s, c, e: Draw(b[0], b[1], s, c, e), bodies, st.sampled_from(SIGNATURES),
                     content_type, extra)


@dataclass
class FuzzRun:
    nonce: str = field(default_factory=lambda: secrets.token_hex(12))
    sent: list[tuple[Probe, Answer]] = field(default_factory=list)
    enqueued_unverified: list[Probe] = field(default_factory=list)
    undecodable: tuple[str, ...] = ()  # messages the tap could not read while the requests were sent

    def trigger(self) -> str:
        return f"{self.nonce}{len(self.sent):08x}"

    @property
    def crashes(self) -> list[tuple[Probe, Answer]]:
        return [(p, a) for p, a in self.sent if a.status is None or a.status >= 500]


def _with_trigger(value: Any, trigger: str) -> bytes:
    if isinstance(value, dict):
        value = {**value, "triggerUuid": trigger}
        if isinstance(value.get("event"), dict):
            value["event"] = {**value["event"], "triggerUuid": trigger}
    return json.dumps(value).encode()


def _body(draw: Draw, trigger: str) -> bytes:
    if draw.kind == "bytes":
        return bytes(draw.content)
    if draw.kind == "damaged":
        event, cut = draw.content
        raw = _with_trigger(json.loads(as_json_bytes(event)), trigger)
        return raw[: cut % max(len(raw), 1)] + raw[cut % max(len(raw), 1) + 1:]
    value = json.loads(as_json_bytes(draw.content)) if draw.kind == "event" else draw.content
    return _with_trigger(value, trigger)


def _signature_headers(session: Session, draw: Draw, body: bytes) -> dict[str, str]:
    if draw.signature == "none":
        return {}
    if draw.signature == "garbage":
        return {session.config.contract.webhook.signature_header: secrets.token_hex(32)}
    signed = headers_for(session, body if draw.signature != "other-body" else body + b" ")
    signed.pop("Content-Type", None)
    if draw.signature == "altered":
        signed = {k: v[:-1] + ("0" if v[-1:] != "0" else "1") for k, v in signed.items()}
    return signed


def build(session: Session, draw: Draw, trigger: str) -> Probe:
    body = _body(draw, trigger)
    headers = {"Content-Type": draw.content_type, **_signature_headers(session, draw, body)}
    taken = {k.lower() for k in headers}
    headers.update({k: v for k, v in draw.extra.items() if k.lower() not in taken | RESERVED})
    scheme = session.config.contract.webhook.scheme
    verified = verify_headers(body, headers, session.delivery_secret, scheme, aud=webhook_url(session))
    return Probe(f"fuzz-{trigger[-8:]}", body, headers, trigger if trigger.encode() in body else None, verified)


def run_fuzz(session: Session, examples: int) -> FuzzRun:
    """Send ``examples`` generated requests, then collect what reached the tap."""
    run = FuzzRun()
    webhook_url(session)  # skip early when the target has no webhook
    started = time.monotonic_ns()

    @settings(max_examples=examples, derandomize=True, database=None, deadline=None, verbosity=Verbosity.quiet,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(requests())
    def one(draw: Draw) -> None:
        probe = build(session, draw, run.trigger())
        run.sent.append((probe, send(session, probe, timeout_s=5)))

    one()
    settle()
    run.undecodable = undecodable_since(session, started)
    by_trigger = {p.trigger: p for p, _ in run.sent if p.trigger}
    hits = {o.trigger for o in session.tap.observations() if o.trigger and o.trigger.startswith(run.nonce)}
    run.enqueued_unverified = [by_trigger[t] for t in sorted(hits) if t in by_trigger and not by_trigger[t].signed]
    return run


def never_5xx(session: Session, run: FuzzRun) -> None:
    """No generated request made the webhook answer 5xx (or not answer)."""
    crashes = run.crashes
    if not crashes:
        return
    probe = crashes[0][0]
    shown = "; ".join(f"{p.name}: {a.describe()[:60]}" for p, a in crashes[:3])
    raise FuzzedRequestCrashed(Finding(
        NEVER_5XX, SUBJECT, Severity.MEDIUM,
        f"{len(crashes)} of {len(run.sent)} fuzzed requests got a 5xx or no answer",
        expected="a 2xx or 4xx answer to every request (Monday retries a 5xx for 30 minutes)",
        observed=f"{shown}; first: body {probe.body[:80]!r}, headers {sorted(probe.headers)}",
        reproduce=reproduce(session, probe)))


def never_enqueues_unverified(session: Session, run: FuzzRun) -> None:
    """No generated request without a valid signature left a message on the queues."""
    if not run.enqueued_unverified:
        skip_if_undecodable(run.undecodable, "while fuzzing")
        return
    probe = run.enqueued_unverified[0]
    raise UnverifiedBodyEnqueued(Finding(
        NEVER_UNVERIFIED, SUBJECT, Severity.CRITICAL,
        f"{len(run.enqueued_unverified)} fuzzed requests without a valid signature were enqueued",
        expected="only requests whose signature verifies under the contract scheme are enqueued",
        observed=f"first: {probe.name}, headers {sorted(probe.headers)}, triggerUuid {probe.trigger}",
        reproduce=reproduce(session, probe)))
