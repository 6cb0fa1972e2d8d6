"""Webhook to queue: a signed Monday delivery enqueues its tasks into their contract queues."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from harness.checks.reproduce import curl_line
from harness.checks.routing import judge_landing
from harness.findings import CheckSkipped, Finding, MessageNotObserved, Severity, WebhookRejected
from harness.probes.tap import Observation
from harness.session import Session
from payloads.factory import make_document_event
from payloads.signers import signed_headers

ENQUEUES = "routing.webhook_enqueues_to_queue"
STATUS_CHANGE_TASKS = ("ai_agent_background.process_monday_webhook", "ai_agent_background.execute_workflow")


def webhook_url(session: Session) -> str:
    url = session.target.webhook_url
    if url is None:
        raise CheckSkipped(session.target.webhook_skip_reason or "no webhook")
    return url


def post_signed(session: Session, payload: dict[str, object]) -> httpx.Response:
    body = json.dumps(payload).encode()
    headers = signed_headers(body, session.secrets.webhook_secret, session.config.contract.webhook.scheme)
    return httpx.post(webhook_url(session), content=body, headers=headers, timeout=10)


def save_payload(session: Session, payload: dict[str, object], name: str) -> Path:
    """Keep a payload next to the report so a finding's curl line can replay it."""
    folder = session.target.workdir / "payloads"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.json"
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def webhook_enqueues_to_queue(session: Session, timeout_s: float = 10.0) -> None:
    """A signed status change to "À faire" enqueues the webhook task and the workflow, each in its queue."""
    payload = make_document_event(status_change=True)
    trigger = str(payload["triggerUuid"])
    response = post_signed(session, payload)
    header = session.config.contract.webhook.signature_header
    reproduce = curl_line(webhook_url(session), f"payloads/{trigger}.json", header)
    save_payload(session, payload, trigger)
    if not response.is_success:
        raise WebhookRejected(Finding(
            ENQUEUES, "POST " + session.config.contract.webhook.path, Severity.HIGH,
            f"a correctly signed delivery got HTTP {response.status_code}",
            expected="2xx and the tasks enqueued", observed=f"HTTP {response.status_code}", reproduce=reproduce))
    for task in STATUS_CHANGE_TASKS:
        seen = _wait_for_task(session, trigger, task, timeout_s)
        if not seen:
            raise MessageNotObserved(Finding(
                ENQUEUES, task, Severity.HIGH, f"the webhook accepted the delivery but {task} was not enqueued",
                expected=f"a {task} message carrying triggerUuid {trigger}",
                observed=f"nothing reached the tap within {timeout_s:.0f}s", reproduce=reproduce))
        judge_landing(session, session.config.contract.task(task), seen, ENQUEUES)


def _wait_for_task(session: Session, trigger: str, task: str, timeout_s: float) -> list[Observation]:
    def matching() -> list[Observation]:
        return [o for o in session.tap.observations() if o.task == task and o.trigger == trigger]

    session.tap.wait_for(lambda: bool(matching()), timeout_s)
    return matching()
