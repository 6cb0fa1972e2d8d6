"""The requests a webhook must refuse, built for the contract's signature scheme, and the battery that
sends them all once per session.

Every request carries a correctly formed event with its own ``triggerUuid``; only the authentication
(or the body's shape, or its content type) is wrong. The battery sends them all, waits once for
anything enqueued regardless to reach the tap, and keeps each answer and enqueue count for the checks.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass

from harness.checks.live import undecodable_since
from harness.checks.security.http import (
    JSON,
    Answer,
    Probe,
    enqueued,
    event_body,
    headers_for,
    send,
    settle,
    signed_probe,
)
from harness.checks.webhook import webhook_url
from harness.payloads.signers import SCHEMES, sign_agent, sign_hex_hmac, sign_jwt, signed_headers
from harness.session import Session

SIGNED_SCHEMES = tuple(s for s in SCHEMES if s != "none")
AUTH_HEADER = {"hmac-hex": "", "jwt": "Authorization", "agent": "x-monday-signature"}

UNSIGNED = ("missing-signature", "empty-signature")
MALFORMED = ("malformed-json", "json-not-object")
CONTENT_TYPES = {"text-plain": "text/plain", "form-urlencoded": "application/x-www-form-urlencoded"}

WHAT = {
    "missing-signature": "no signature at all",
    "empty-signature": "an empty signature header",
    "wrong-signature": "a wrong signature",
    "truncated-signature": "a truncated signature",
    "wrong-secret": "a signature made with another secret",
    "signature-of-other-body": "the valid signature of a different body",
    "hmac-hex-scheme": "an X-Monday-Signature hex HMAC (another scheme)",
    "jwt-scheme": "a valid Monday JWT in Authorization (another scheme)",
    "agent-scheme": "an agent-scheme sha256= signature with timestamp (another scheme)",
    "expired-jwt": "a Monday JWT that expired an hour ago",
    "jwt-wrong-audience": "a Monday JWT issued for another endpoint (wrong aud)",
    "stale-timestamp": "an agent signature whose timestamp is an hour old",
    "malformed-json": "a correctly signed body that is not JSON",
    "json-not-object": "a correctly signed JSON body that is an array, not an object",
    "text-plain": "a correctly signed event sent as text/plain",
    "form-urlencoded": "a correctly signed event sent as application/x-www-form-urlencoded",
}


def auth_header(session: Session) -> str:
    scheme = session.config.contract.webhook.scheme
    return AUTH_HEADER.get(scheme) or session.config.contract.webhook.signature_header


def forged_cases(scheme: str) -> tuple[str, ...]:
    """The forgeries that apply to ``scheme`` (a JWT does not cover the body; only agent has a timestamp)."""
    cases = ["wrong-signature", "truncated-signature", "wrong-secret"]
    cases += [] if scheme == "jwt" else ["signature-of-other-body"]
    cases += [f"{other}-scheme" for other in SIGNED_SCHEMES if other != scheme]
    cases += ["expired-jwt", "jwt-wrong-audience"]
    cases += ["stale-timestamp"] if scheme == "agent" else []
    return tuple(cases)


def _altered(value: str) -> str:
    """The same value with one character changed (inside a JWT's signature, past any prefix)."""
    if not value:
        return "0" * 64
    at = max(0, len(value) - 10)
    swap = "0" if value[at] != "0" else "1"
    return value[:at] + swap + value[at + 1:]


def _forged_headers(session: Session, case: str, body: bytes) -> dict[str, str]:
    url, header = webhook_url(session), auth_header(session)
    scheme = session.config.contract.webhook.scheme
    valid = headers_for(session, body)
    builders = {
        "wrong-signature": lambda: {**valid, header: _altered(valid[header])},
        "truncated-signature": lambda: {**valid, header: valid[header][: len(valid[header]) // 2]},
        "wrong-secret": lambda: _wrong_secret(scheme, body, url, header),
        "signature-of-other-body": lambda: headers_for(session, event_body(session)[1]),
        "expired-jwt": lambda: headers_for(session, body, "jwt", now=time.time() - 3600),
        "jwt-wrong-audience": lambda: {**JSON, "Authorization": sign_jwt(session.secrets.signing_secret,
                                                                           aud="https://attacker.example/hook")},
        "stale-timestamp": lambda: _agent(session, body, int((time.time() - 3600) * 1000)),
    }
    if case.endswith("-scheme"):
        return headers_for(session, body, case.removesuffix("-scheme"))
    return builders[case]()


def _wrong_secret(scheme: str, body: bytes, url: str, header: str) -> dict[str, str]:
    other = secrets.token_hex(24)
    if scheme == "hmac-hex":
        return {**JSON, header: sign_hex_hmac(body, other)}
    return signed_headers(body, other, scheme, **({"aud": url} if scheme == "jwt" else {}))


def _agent(session: Session, body: bytes, stamp_ms: int) -> dict[str, str]:
    stamp, signature = sign_agent(body, session.secrets.webhook_secret, stamp_ms)
    return {**JSON, "x-monday-timestamp": stamp, "x-monday-signature": signature}


def unsigned_probe(session: Session, case: str) -> Probe:
    _, body, trigger = event_body(session, status_change=True)
    headers = dict(JSON) if case == "missing-signature" else {**JSON, auth_header(session): ""}
    return Probe(case, body, headers, trigger)


def forged_probe(session: Session, case: str) -> Probe:
    _, body, trigger = event_body(session, status_change=True)
    return Probe(case, body, _forged_headers(session, case, body), trigger)


def malformed_probe(session: Session, case: str) -> Probe:
    _, body, trigger = event_body(session, status_change=True)
    bad = body[: len(body) // 2] if case == "malformed-json" else json.dumps([json.loads(body)]).encode()
    return Probe(case, bad, headers_for(session, bad), trigger, signed=True)


def content_type_probe(session: Session, case: str) -> Probe:
    probe = signed_probe(session, case, status_change=True)
    return Probe(case, probe.body, {**probe.headers, "Content-Type": CONTENT_TYPES[case]}, probe.trigger, True)


@dataclass(frozen=True)
class Outcome:
    probe: Probe
    answer: Answer
    enqueued: int
    undecodable: tuple[str, ...] = ()  # messages the tap could not read while the battery ran


class Battery(dict[str, Outcome]):
    """Every refusal case, sent once; ``battery[case]`` is its outcome."""


def all_probes(session: Session) -> list[Probe]:
    scheme = session.config.contract.webhook.scheme
    probes = [] if scheme == "none" else [unsigned_probe(session, c) for c in UNSIGNED]
    probes += [] if scheme == "none" else [forged_probe(session, c) for c in forged_cases(scheme)]
    probes += [malformed_probe(session, c) for c in MALFORMED]
    return probes + [content_type_probe(session, c) for c in CONTENT_TYPES]


def fire_battery(session: Session) -> Battery:
    """Send every case, wait once, and count what each enqueued."""
    started = time.monotonic_ns()
    sent = [(probe, send(session, probe)) for probe in all_probes(session)]
    settle()
    unread = undecodable_since(session, started)
    battery = Battery()
    for probe, answer in sent:
        battery[probe.name] = Outcome(probe, answer, enqueued(session, probe.trigger) if probe.trigger else 0,
                                      unread)
    return battery
