"""A webhook that reads only Monday's native body: ``event.type`` and ``event.triggerUuid``.

Like a real service written against Monday's documentation, it answers 200 to a body without
``event.type`` (the migration document's flavour puts ``type`` beside ``event``) and enqueues nothing
for it. Its webhook is its own small FastAPI app, checking content type, size and signature as the
reference does; its Celery app is the reference's. Sent native bodies (its default as a user target), it
passes the webhook checks; sent the document's flavour (``[webhook] dialect = "document"``), it is
"accepted but ignored".
"""

import json

from _base import reference
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

ref = reference()
celery_app, worker_args = ref.celery_app, ref.worker_args
app = FastAPI(title="AI-Agent webhook (native Monday bodies only)")


def _moved_to_todo(event):
    value = event.get("value") if event.get("columnType") == "color" else None
    return isinstance(value, dict) and (value.get("label") or {}).get("text") == "À faire"


async def _enqueue(payload, trigger):
    await ref._publish(ref.process_monday_webhook, payload, trigger)
    if _moved_to_todo(payload["event"]):
        await ref._publish(ref.execute_workflow, payload, trigger)


async def _verified_json(request):
    """The body as a dict, or the error response to give instead."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return ref._error(415, "content type must be application/json")
    body = await ref._read_capped(request)
    if body is None:
        return ref._error(413, "body too large")
    if not ref._signature_ok(body, request.headers.get("X-Monday-Signature", "")):
        return ref._error(401, "invalid signature")
    try:
        payload = json.loads(body)
    except ValueError:
        return ref._error(400, "body is not JSON")
    return payload if isinstance(payload, dict) else ref._error(400, "body must be a JSON object")


@app.post("/webhook/monday")
async def monday_webhook(request: Request):
    payload = await _verified_json(request)
    if not isinstance(payload, dict):
        return payload
    if "challenge" in payload:
        return JSONResponse({"challenge": payload["challenge"]})
    event = payload.get("event")
    if not isinstance(event, dict) or not event.get("type") or not event.get("triggerUuid"):
        return JSONResponse({"status": "ignored"})  # not an event this service knows: 200, nothing enqueued
    trigger = str(event["triggerUuid"])
    if not ref._first_delivery(trigger):
        return JSONResponse({"status": "duplicate"})
    try:
        await _enqueue(payload, trigger)
    except Exception:
        ref._seen.pop(trigger, None)
        return ref._error(503, "the delivery could not be enqueued; retry later")
    return JSONResponse({"status": "queued"})
