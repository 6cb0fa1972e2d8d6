"""Webhook to queue: a signed Monday delivery enqueues its tasks into their contract queues."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx

from harness import tls
from harness.checks.ignored import ENQUEUES, left_no_message
from harness.checks.reproduce import curl_line
from harness.checks.routing import judge_landing
from harness.findings import (
    CheckSkipped,
    DeliveriesIgnored,
    Finding,
    MessageNotObserved,
    Severity,
    WebhookRejected,
    ignored_finding,
)
from harness.payloads.dialects import make_event
from harness.payloads.factory import trigger_uuid_of
from harness.payloads.signers import signed_headers
from harness.probes.tap import Observation
from harness.session import Session


def webhook_url(session: Session) -> str:
    url = session.target.webhook_url
    if url is None:
        raise CheckSkipped(session.target.webhook_skip_reason or "no webhook")
    return url


def post_signed(session: Session, payload: dict[str, object]) -> httpx.Response:
    body = json.dumps(payload).encode()
    return httpx.post(webhook_url(session), content=body, headers=signed_for(session, body), timeout=10,
                      verify=tls.context())


def signed_for(session: Session, body: bytes) -> dict[str, str]:
    """Headers that sign ``body`` as the contract's scheme wants (a JWT's audience is the webhook's URL)."""
    scheme = session.config.contract.webhook.scheme
    extra = {"aud": webhook_url(session)} if scheme == "jwt" else {}
    return signed_headers(body, session.delivery_secret, scheme, **extra)


def save_payload(session: Session, payload: dict[str, object], name: str) -> Path:
    """Keep a payload next to the report so a finding's curl line can replay it."""
    folder = session.target.workdir / "payloads"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.json"
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def webhook_enqueues_to_queue(session: Session, timeout_s: float = 10.0) -> None:
    """A signed status change to "À faire" enqueues the webhook task and the workflow, each in its queue.

    A creation goes first, in the same dialect: when both are answered 2xx and neither leaves any message,
    the webhook ignores what it was sent (most likely another dialect), which is one finding of its own.
    """
    dialect = session.config.contract.webhook.dialect
    creation, payload = make_event(dialect, status_change=False), make_event(dialect, status_change=True)
    trigger, since = str(trigger_uuid_of(payload)), time.monotonic_ns()
    accepted = post_signed(session, creation).is_success
    response = post_signed(session, payload)
    header = session.config.contract.webhook.signature_header
    reproduce = curl_line(webhook_url(session), f"payloads/{trigger}.json", header)
    save_payload(session, payload, trigger)
    if not response.is_success:
        raise WebhookRejected(Finding(
            ENQUEUES, "POST " + session.config.contract.webhook.path, Severity.HIGH,
            f"a correctly signed delivery got HTTP {response.status_code}",
            expected="2xx and the tasks enqueued", observed=f"HTTP {response.status_code}", reproduce=reproduce))
    for task in status_change_tasks(session):
        seen = _wait_for_task(session, trigger, task, timeout_s)
        if not seen and left_no_message(session, [trigger, str(trigger_uuid_of(creation))], since):
            raise DeliveriesIgnored(_ignored(session, 1 + accepted, timeout_s, reproduce))
        if not seen:
            raise MessageNotObserved(Finding(
                ENQUEUES, task, Severity.HIGH, f"the webhook accepted the delivery but {task} was not enqueued",
                expected=f"a {task} message carrying triggerUuid {trigger}",
                observed=f"nothing reached the tap within {timeout_s:.0f}s", reproduce=reproduce))
        judge_landing(session, session.config.contract.task(task), seen, ENQUEUES)


def status_change_tasks(session: Session) -> list[str]:
    """The tasks the contract says the webhook itself enqueues for a status change to "À faire" (by roles);
    by default the webhook task alone: a workflow started from a task body is that body's business."""
    contract = session.config.contract
    return [route.name for role in contract.webhook.status_change_enqueues if (route := contract.role(role))]


def _wait_for_task(session: Session, trigger: str, task: str, timeout_s: float) -> list[Observation]:
    def matching() -> list[Observation]:
        return [o for o in session.tap.observations() if o.task == task and o.trigger == trigger]

    session.tap.wait_for(lambda: bool(matching()), timeout_s)
    return matching()


def _ignored(session: Session, count: int, timeout_s: float, reproduce: str) -> Finding:
    task = session.config.contract.role_name("webhook")
    observed = (f"{count} of 2 correctly signed deliveries (a creation, a status change) were answered 2xx; no "
                f"message carrying their triggerUuid, and no {task} message at all, reached the broker within "
                f"{timeout_s:.0f}s")
    return ignored_finding(ENQUEUES, "POST " + session.config.contract.webhook.path, count,
                           session.config.contract.webhook.dialect, observed, reproduce)
