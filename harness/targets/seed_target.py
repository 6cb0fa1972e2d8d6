"""The migration document's configuration, exactly as written (defects included).

Only the parts the document leaves out are filled in: task bodies and the webhook endpoint, written
the way the document's snippets imply. Everything is wired from the environment variables the
document names. The real body of ``process_monday_webhook`` follows the document's "Monday.com OAuth
Flow" (a client_credentials token request asking for items:* scopes, then a Bearer call) when
MONDAY_AUTH_URL points somewhere (the harness's emulator with --oauth-test); without it, it only records.
"""

import hashlib
import hmac
import json
import os
import urllib.request

from celery import Celery
from fastapi import FastAPI, HTTPException, Request
from kombu import Exchange, Queue


class DocumentSettings:
    """The document's CELERY_* settings, loaded with namespace='CELERY'."""

    CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL")
    CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND")

    CELERY_TASK_ROUTES = {
        "ai_agent_background.process_monday_webhook": {
            "queue": "webhooks", "routing_key": "webhook.monday", "priority": 9},
        "ai_agent_background.execute_workflow": {
            "queue": "workflows", "routing_key": "workflow.langgraph", "priority": 5},
        "ai_agent_background.generate_code": {
            "queue": "ai_generation", "routing_key": "ai.generate.code", "priority": 7},
        "ai_agent_background.run_tests": {
            "queue": "tests", "routing_key": "test.execute", "priority": 3},
    }

    CELERY_TASK_CREATE_MISSING_QUEUES = True
    CELERY_TASK_DEFAULT_EXCHANGE = "ai_agent"
    CELERY_TASK_DEFAULT_EXCHANGE_TYPE = "topic"
    CELERY_TASK_DEFAULT_ROUTING_KEY = "task.default"

    CELERY_TASK_QUEUES = [
        Queue("webhooks", exchange=Exchange("ai_agent", type="topic"), routing_key="webhook.*"),
        Queue("workflows", exchange=Exchange("ai_agent", type="topic"), routing_key="workflow.*"),
        Queue("ai_generation", exchange=Exchange("ai_agent", type="topic"), routing_key="ai.*"),
        Queue("tests", exchange=Exchange("ai_agent", type="topic"), routing_key="test.*"),
        Queue("dlq", exchange=Exchange("ai_agent", type="topic"), routing_key="dead_letter.*"),
    ]

    CELERY_TASK_REJECT_ON_WORKER_LOST = True
    CELERY_TASK_ACKS_LATE = True


celery_app = Celery("ai_agent_background")
celery_app.config_from_object(DocumentSettings, namespace="CELERY")

# The document's worker command: celery -A services.celery_app worker --queues=...
worker_args = ["--queues=webhooks,workflows,ai_generation,tests"]


@celery_app.task(name="ai_agent_background.send_to_dead_letter_queue")
def send_to_dead_letter_queue(record):
    return record


@celery_app.task(
    name="ai_agent_background.process_monday_webhook",
    bind=True,
    autoretry_for=(Exception,),
    retry_kwargs={"max_retries": 3, "countdown": 60},
)
def process_monday_webhook(self, payload, signature=None):
    try:
        event = payload.get("event", {})
        if os.environ.get("MONDAY_AUTH_URL") and event.get("pulseId"):
            _post_update(_document_token(), event["pulseId"], "AI-Agent: tâche reçue")
        return {"pulse_id": event.get("pulseId"), "status": "received"}
    except Exception as exc:
        if self.request.retries >= 3:
            send_to_dead_letter_queue.delay({
                "original_task": "process_monday_webhook",
                "payload": payload,
                "error": str(exc),
                "retries": self.request.retries,
            })
        raise


def _document_token():
    """The document's "Token Acquisition": client_credentials with its scopes (items:* included)."""
    body = json.dumps({
        "client_id": os.environ.get("MONDAY_CLIENT_ID"),
        "client_secret": os.environ.get("MONDAY_CLIENT_KEY"),
        "grant_type": "client_credentials",
        "scope": "boards:read boards:write items:read items:write",
    }).encode()
    request = urllib.request.Request(os.environ["MONDAY_AUTH_URL"].rstrip("/") + "/oauth2/token", data=body,
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["access_token"]


def _post_update(token, item_id, text):
    """The document's "API Calls with Bearer Token"."""
    query = "mutation ($item: ID!, $body: String!) { create_update(item_id: $item, body: $body) { id } }"
    body = json.dumps({"query": query, "variables": {"item": str(item_id), "body": text}}).encode()
    request = urllib.request.Request(os.environ.get("MONDAY_API_URL", "https://api.monday.com/v2"), data=body,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                                     method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@celery_app.task(name="ai_agent_background.execute_workflow")
def execute_workflow(payload):
    generate_code.delay(payload)
    run_tests.delay(payload)
    return {"pulse_id": payload.get("event", {}).get("pulseId"), "status": "workflow started"}


@celery_app.task(name="ai_agent_background.generate_code")
def generate_code(payload):
    return {"pulse_id": payload.get("event", {}).get("pulseId"), "status": "code generated"}


@celery_app.task(name="ai_agent_background.run_tests")
def run_tests(payload):
    return {"pulse_id": payload.get("event", {}).get("pulseId"), "status": "tests passed"}


def verify_webhook_signature(payload: str, signature: str, secret: str) -> bool:
    expected = hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(signature, expected)


def _status_became_todo(event):
    new = (event.get("newColumnValues") or {}).get("status") or {}
    return new.get("text") == "À faire"


app = FastAPI(title="AI-Agent webhook (document version)")


@app.post("/webhook/monday")
async def monday_webhook(request: Request):
    body = await request.body()
    signature = request.headers.get("X-Monday-Signature", "")
    if not verify_webhook_signature(body.decode(), signature, os.environ.get("WEBHOOK_SECRET", "")):
        raise HTTPException(status_code=401, detail="invalid signature")
    payload = json.loads(body)
    if "challenge" in payload:
        return {"challenge": payload["challenge"]}
    process_monday_webhook.delay(payload)
    if _status_became_todo(payload.get("event", {})):
        execute_workflow.delay(payload)
    return {"status": "queued"}
