"""Plumbing of the webhook security suite: signed and forged requests, what came back, what was enqueued.

A :class:`Probe` is one request (body bytes and headers) carrying a unique ``triggerUuid`` when its
body is an event, so the tap can tell whether the target enqueued it. An :class:`Answer` is what the
webhook said. Nothing here judges; the other modules of this package do.
"""

from __future__ import annotations

import json
import shlex
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from harness import tls
from harness.checks.webhook import webhook_url
from harness.payloads.dialects import make_event
from harness.payloads.factory import trigger_uuid_of
from harness.payloads.signers import sign_agent, sign_hex_hmac, sign_jwt
from harness.session import Session

SUBJECT = "POST /webhook/monday"
JSON = {"Content-Type": "application/json"}
SETTLE_S = 1.0  # how long a refused delivery is given to show up on the tap anyway


@dataclass(frozen=True)
class Probe:
    name: str
    body: bytes
    headers: dict[str, str]
    trigger: str | None = None
    signed: bool = False  # the headers carry a valid signature of the body under the contract scheme


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no HTTP answer (connection error or timeout)
    text: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    error: str | None = None

    @property
    def refused(self) -> bool:
        return self.status is not None and 400 <= self.status < 500

    def describe(self) -> str:
        if self.status is None:
            return f"no HTTP answer ({self.error})"
        return f"HTTP {self.status} {self.text[:160]!r}"


def event_body(session: Session, status_change: bool = False, **extra: Any) -> tuple[dict[str, Any], bytes, str]:
    """A fresh event in the contract's dialect (its own triggerUuid), its wire bytes and its trigger."""
    payload = make_event(session.config.contract.webhook.dialect, status_change=status_change,
                         board_id=session.target.env.get("MONDAY_BOARD_ID"))
    payload.update(extra)
    return payload, json.dumps(payload).encode(), str(trigger_uuid_of(payload))


def scheme_secret(session: Session, scheme: str) -> str:
    """The secret a scheme signs with: Monday's Signing Secret for JWTs, the webhook secret otherwise."""
    return session.secrets.for_scheme(scheme)


def headers_for(session: Session, body: bytes, scheme: str | None = None, **jwt_claims: Any) -> dict[str, str]:
    """Content type plus a valid signature of ``body`` under ``scheme`` (default: the contract's)."""
    scheme = scheme or session.config.contract.webhook.scheme
    secret = scheme_secret(session, scheme)
    if scheme == "hmac-hex":
        return {**JSON, session.config.contract.webhook.signature_header: sign_hex_hmac(body, secret)}
    if scheme == "jwt":
        claims = {"aud": webhook_url(session), **jwt_claims}
        return {**JSON, "Authorization": sign_jwt(secret, **claims)}
    if scheme == "agent":
        stamp, signature = sign_agent(body, secret)
        return {**JSON, "x-monday-timestamp": stamp, "x-monday-signature": signature}
    return dict(JSON)


def signed_probe(session: Session, name: str, status_change: bool = False, **extra: Any) -> Probe:
    _, body, trigger = event_body(session, status_change, **extra)
    return Probe(name, body, headers_for(session, body), trigger, signed=True)


def send(session: Session, probe: Probe, timeout_s: float = 10.0) -> Answer:
    try:
        response = httpx.post(webhook_url(session), content=probe.body, headers=probe.headers, timeout=timeout_s,
                              verify=tls.context())
    except httpx.HTTPError as exc:
        return Answer(None, error=type(exc).__name__)
    return Answer(response.status_code, response.text, dict(response.headers))


def enqueued(session: Session, trigger: str, task: str | None = None) -> int:
    """Messages carrying ``trigger`` that reached one queue (the busiest), so a copy routed to two
    queues counts once and a message published twice counts twice."""
    per_queue: dict[str, int] = {}
    for o in session.tap.observations():
        if o.trigger == trigger and (task is None or o.task == task):
            per_queue[o.queue] = per_queue.get(o.queue, 0) + 1
    return max(per_queue.values(), default=0)


def wait_enqueued(session: Session, trigger: str, task: str | None = None, timeout_s: float = 5.0) -> int:
    session.tap.wait_for(lambda: enqueued(session, trigger, task) > 0, timeout_s)
    return enqueued(session, trigger, task)


def settle(seconds: float = SETTLE_S) -> None:
    """A short bounded wait so that anything a target enqueued after answering reaches the tap."""
    time.sleep(seconds)


def save_body(session: Session, name: str, body: bytes) -> str:
    """Keep a request body for the finding's curl line; returns its path relative to the run folder."""
    folder = session.target.workdir / "payloads"
    folder.mkdir(exist_ok=True)
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
    (folder / f"{safe}.body").write_bytes(body)
    return f"payloads/{safe}.body"


def reproduce(session: Session, probe: Probe) -> str:
    """A curl line replaying ``probe``; a valid signature is recomputed with openssl, never printed."""
    path = save_body(session, probe.name + (f"-{probe.trigger}" if probe.trigger else ""), probe.body)
    parts = ["curl -sS -i -X POST", shlex.quote(webhook_url(session))]
    for name, value in probe.headers.items():
        parts += ["-H", shlex.quote(f"{name}: {value}") if not probe.signed else _resigned(session, name, value, path)]
    return " ".join([*parts, "--data-binary", "@" + path])


def _resigned(session: Session, name: str, value: str, path: str) -> str:
    header = session.config.contract.webhook.signature_header
    if name.lower() != header.lower() or session.config.contract.webhook.scheme != "hmac-hex":
        return shlex.quote(f"{name}: {value}")
    return f"\"{header}: $(openssl dgst -sha256 -hmac \"$WEBHOOK_SECRET\" -hex < {path} | cut -d' ' -f2)\""
