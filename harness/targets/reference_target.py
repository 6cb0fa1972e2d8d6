"""The AI-Agent messaging layer as the migration document intends it, with its defects fixed.

Differences from the document, each one a finding the harness reports against ``seed``:
- queue bindings use ``#`` so multi-word routing keys (``ai.generate.code``) reach their queue;
- every queue is durable and declared with ``x-max-priority`` so route priorities take effect;
- ``send_to_dead_letter_queue`` has a route to ``dlq``; failures reach it from ``on_failure``, which
  also runs for failures raised outside the task body, and every queue (the DLQ included) is
  declared when the worker starts, so the first dead letter has somewhere to go;
- a message whose delivery keeps killing its worker is parked in the DLQ after a few deliveries
  (classic queues count no redeliveries, so the count is kept in PostgreSQL);
- publisher confirms plus an alternate exchange, so nothing published is lost silently;
- prefetch 1 with late acks, no silently created queues, extended results;
- the worker reconnects after a channel error, so a countdown held past the broker's consumer_timeout
  does not make it exit;
- the webhook checks content type and body size before reading, verifies the signature over the raw
  bytes, answers 400 to bad JSON, and does not enqueue a delivery twice (idempotent on triggerUuid);
  it reads both body dialects, Monday's own (``type``/``triggerUuid`` inside ``event``) and the document's
  (beside it), though the harness sends it the document's by default, as to ``seed``;
  a delivery it could not enqueue gets a 503 and is forgotten, so Monday's retry enqueues it;
- it publishes from its event loop (``task_publisher``): Celery builds the message ``apply_async`` would send,
  an asyncio AMQP client sends it and awaits the broker's confirm, so a slow confirm holds no thread and queues
  no webhook (without aio-pika, or on Redis, ``apply_async`` runs in a pool of threads instead); a message's
  argsrepr names its triggerUuid instead of copying the board into headers;
- task ids derive from triggerUuid, so a delivery enqueued again (a webhook restarted between two
  retries) or a task redelivered after a crash overwrites the same result row instead of adding one;
- results are stored with backoff while PostgreSQL is unreachable, and the delivery count used to park
  poison messages does not fail a task when PostgreSQL cannot answer;
- Monday is reached through ``monday_client`` (OAuth 2.1 with PKCE instead of the document's
  ``client_credentials``, only scopes that exist, Retry-After honoured, tokens refreshed); the real
  body of ``process_monday_webhook`` sets the item's status and posts an update when MONDAY_API_URL is set.
"""

import hashlib
import hmac
import json
import os
import uuid
from collections import OrderedDict

import monday_client
import sqlalchemy
import task_publisher
from celery import Celery, Task
from celery.signals import worker_ready
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from kombu import Exchange, Queue

UNROUTABLE = Exchange("ai_agent.unroutable", type="fanout", durable=True)
EXCHANGE = Exchange("ai_agent", type="topic", durable=True, arguments={"alternate-exchange": UNROUTABLE.name})
MAX_PRIORITY = {"x-max-priority": 10}
MAX_DELIVERIES = 3
# Given several broker URLs (a cluster: "amqp://node1;amqp://node2;..."), every queue is a quorum queue, replicated
# over the nodes: a classic queue lives on one node, and is gone while that node is. RabbitMQ before 3.12 refuses
# x-max-priority on quorum queues, so there they have none (one task type per queue: priority orders nothing within
# it anyway). Celery (>= 5.5) sees the quorum queues and consumes with per-consumer prefetch, not global QoS, which
# quorum queues refuse; kombu fails over along the URLs when a node goes away.
CLUSTER = ";" in (os.environ.get("CELERY_BROKER_URL") or "")
QUEUE_ARGUMENTS = {"x-queue-type": "quorum"} if CLUSTER else MAX_PRIORITY


def _queue(name, binding):
    return Queue(name, EXCHANGE, routing_key=binding, durable=True, queue_arguments=QUEUE_ARGUMENTS)


class Settings:
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
        "ai_agent_background.send_to_dead_letter_queue": {
            "queue": "dlq", "routing_key": "dead_letter.task", "priority": 0},
    }
    CELERY_TASK_QUEUES = [
        _queue("webhooks", "webhook.#"),
        _queue("workflows", "workflow.#"),
        _queue("ai_generation", "ai.#"),
        _queue("tests", "test.#"),
        _queue("dlq", "dead_letter.#"),
        Queue("unroutable", UNROUTABLE, routing_key="", durable=True,
              queue_arguments={"x-queue-type": "quorum"} if CLUSTER else None),
    ]
    CELERY_TASK_DEFAULT_EXCHANGE = "ai_agent"
    CELERY_TASK_DEFAULT_EXCHANGE_TYPE = "topic"
    CELERY_TASK_DEFAULT_QUEUE = "webhooks"
    CELERY_TASK_DEFAULT_ROUTING_KEY = "webhook.default"
    CELERY_TASK_CREATE_MISSING_QUEUES = False
    CELERY_TASK_ACKS_LATE = True
    CELERY_TASK_REJECT_ON_WORKER_LOST = True
    CELERY_WORKER_PREFETCH_MULTIPLIER = 1
    CELERY_BROKER_TRANSPORT_OPTIONS = {"confirm_publish": True}
    CELERY_BROKER_POOL_LIMIT = 32  # apply_async holds a connection per confirm (ms; more on a busy disk); default 10
    CELERY_TASK_PUBLISH_RETRY = True
    # A countdown (or ETA) message is held unacked by the worker until it is due. Past RabbitMQ's
    # consumer_timeout (30 min by default) the broker closes that channel with 406 PRECONDITION_FAILED
    # and requeues the message. Celery's default counts that channel error as unrecoverable: the worker
    # logs "Unrecoverable error: PreconditionFailed" and exits, and nothing consumes until it is
    # restarted. With channel-error retry (Celery >= 5.3) the consumer reconnects instead; the requeued
    # message is delivered again and runs when due; a task already running goes on in its pool process.
    CELERY_BROKER_CHANNEL_ERROR_RETRY = True
    CELERY_RESULT_EXTENDED = True
    # While PostgreSQL is unreachable a result is stored again with backoff (tens of seconds in all),
    # not three times within 50 ms, after which the message was acked and the result lost for good.
    CELERY_RESULT_BACKEND_ALWAYS_RETRY = True
    CELERY_RESULT_BACKEND_MAX_RETRIES = 10
    CELERY_RESULT_BACKEND_BASE_SLEEP_BETWEEN_RETRIES_MS = 100


celery_app = Celery("ai_agent_background")
celery_app.config_from_object(Settings, namespace="CELERY")


def _retry_database_errors_on_older_celery():
    """Until at least Celery 5.5 (5.2.7, 5.3.6, 5.4.0 and 5.5.0 were checked; 5.7.0 has its own rule) the
    database backend never says an error is safe to retry (it keeps the base class's "never"), so
    RESULT_BACKEND_ALWAYS_RETRY does nothing for it: a result stored while PostgreSQL is unreachable fails
    after its three quick tries, the task is marked FAILURE (OperationalError) though its body succeeded,
    and its message is acked. Give it a rule: database and connection errors are safe to retry."""
    from celery.backends.base import Backend
    from celery.backends.database import DatabaseBackend

    if DatabaseBackend.exception_safe_to_retry is Backend.exception_safe_to_retry:
        retryable = (sqlalchemy.exc.DatabaseError, sqlalchemy.exc.InterfaceError,
                     sqlalchemy.exc.InvalidRequestError, sqlalchemy.orm.exc.StaleDataError)
        DatabaseBackend.exception_safe_to_retry = lambda self, exc: isinstance(exc, retryable)


_retry_database_errors_on_older_celery()

# The DLQ is kept for people to inspect: no worker consumes it.
worker_args = ["--queues=webhooks,workflows,ai_generation,tests", "--prefetch-multiplier=1"]


@worker_ready.connect
def declare_every_queue(sender, **_):
    """Declare the DLQ and the unroutable queue too, though this worker consumes neither."""
    with sender.app.connection_for_write() as connection:
        for queue in sender.app.conf.task_queues:
            queue(connection.default_channel).declare()


class PoisonMessage(Exception):
    """The same delivery killed its worker too many times; it is parked instead of run again."""


_engine = None
COUNT_START = sqlalchemy.text(
    "INSERT INTO task_deliveries (attempt, starts) VALUES (:attempt, 1) "
    "ON CONFLICT (attempt) DO UPDATE SET starts = task_deliveries.starts + 1 RETURNING starts")


def _deliveries_engine():
    engine = sqlalchemy.create_engine(os.environ["CELERY_RESULT_BACKEND"].replace("db+", "", 1))
    try:
        with engine.begin() as conn:
            conn.execute(sqlalchemy.text(
                "CREATE TABLE IF NOT EXISTS task_deliveries (attempt text PRIMARY KEY, starts int NOT NULL)"))
    except (sqlalchemy.exc.IntegrityError, sqlalchemy.exc.ProgrammingError):
        # another worker process created it at the same moment: PostgreSQL's IF NOT EXISTS is not safe against
        # a concurrent CREATE, which fails on the table's row type (UniqueViolation, or DuplicateObject)
        pass
    return engine


def _count_start(attempt):
    """How many times this attempt has started, this one included (survives worker crashes); 0 while
    PostgreSQL is unreachable: an outage must not fail or park the task, which then runs as usual."""
    global _engine
    try:
        if _engine is None:
            _engine = _deliveries_engine()
        with _engine.begin() as conn:
            return conn.execute(COUNT_START, {"attempt": attempt}).scalar()
    except (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError):
        return 0


class DeadLettering(Task):
    """Parks poison messages, and sends the final failure of a task to the dead-letter queue."""

    def __call__(self, *args, **kwargs):
        request = self.request
        if request.id and not request.is_eager:
            starts = _count_start(f"{request.id}:{request.retries}")
            if starts > MAX_DELIVERIES:
                raise PoisonMessage(f"delivered {starts} times; the worker was lost each time")
        return super().__call__(*args, **kwargs)

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        send_to_dead_letter_queue.delay({
            "original_task": self.name,
            "task_id": task_id,
            "payload": args[0] if args else kwargs.get("payload"),
            "error": repr(exc),
            "retries": self.request.retries,
        })


@celery_app.task(name="ai_agent_background.send_to_dead_letter_queue")
def send_to_dead_letter_queue(record):
    return record


@celery_app.task(
    name="ai_agent_background.process_monday_webhook",
    base=DeadLettering,
    bind=True,
    autoretry_for=(Exception,),
    retry_kwargs={"max_retries": 3, "countdown": 60},
)
def process_monday_webhook(self, payload, signature=None):
    event = payload.get("event", {})
    result = {"pulse_id": event.get("pulseId"), "status": "received"}
    if monday_client.configured() and event.get("pulseId"):
        _report_to_monday(event)
        result["monday"] = "reported"
    return result


def _report_to_monday(event):
    """Mark the item as being worked on, then say so in its updates (idempotent first, so a retry
    after a failed update does not change anything twice but the update)."""
    client = monday_client.shared()
    board = event.get("boardId") or os.environ.get("MONDAY_BOARD_ID")
    column = os.environ.get("MONDAY_STATUS_COLUMN_ID", "status")
    client.change_status(board, event["pulseId"], column, "Working on it")
    client.create_update(event["pulseId"], f"AI-Agent picked up: {event.get('pulseName', 'this task')}")


@celery_app.task(name="ai_agent_background.execute_workflow", base=DeadLettering)
def execute_workflow(payload):
    generate_code.delay(payload)
    run_tests.delay(payload)
    return {"pulse_id": payload.get("event", {}).get("pulseId"), "status": "workflow started"}


@celery_app.task(name="ai_agent_background.generate_code", base=DeadLettering)
def generate_code(payload):
    return {"pulse_id": payload.get("event", {}).get("pulseId"), "status": "code generated"}


@celery_app.task(name="ai_agent_background.run_tests", base=DeadLettering)
def run_tests(payload):
    return {"pulse_id": payload.get("event", {}).get("pulseId"), "status": "tests passed"}


# --- webhook -------------------------------------------------------------------------------------

MAX_BODY_BYTES = 1 << 20
SEEN_LIMIT = 100_000
_seen = OrderedDict()

app = FastAPI(title="AI-Agent webhook (reference)")
_publisher = task_publisher.TaskPublisher(celery_app)


def _error(status, message):
    return JSONResponse({"error": message}, status_code=status)


async def _read_capped(request):
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY_BYTES):
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            return None
    return bytes(body)


def _signature_ok(body, signature):
    secret = os.environ.get("WEBHOOK_SECRET", "").encode()
    expected = hmac.new(secret, body, hashlib.sha256).hexdigest().encode()
    return bool(secret) and hmac.compare_digest(expected, signature.encode("ascii", "replace"))


def _first_delivery(trigger):
    if trigger in _seen:
        return False
    _seen[trigger] = True
    if len(_seen) > SEEN_LIMIT:
        _seen.popitem(last=False)
    return True


def _task_id(trigger, task_name):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{trigger}/{task_name}"))


async def _publish(task, payload, trigger):
    """The one place a task is published: returns once the broker has confirmed it, raises otherwise."""
    await _publisher.publish(task, (payload,), task_id=_task_id(trigger, task.name),
                             argsrepr=f"(<Monday webhook {trigger}>,)", kwargsrepr="{}")


def _became_todo(event):
    """A move to "À faire", in either dialect: the document's ``newColumnValues``, or Monday's own
    ``update_column_value`` of a status (``color``) column, whose ``value`` holds the new label."""
    document = ((event.get("newColumnValues") or {}).get("status") or {}).get("text")
    value = event.get("value") if event.get("columnType") == "color" else None
    native = ((value.get("label") or {}).get("text")) if isinstance(value, dict) else None
    return "À faire" in (document, native)


async def _enqueue(payload, trigger):
    await _publish(process_monday_webhook, payload, trigger)
    if _became_todo(payload.get("event") or {}):
        await _publish(execute_workflow, payload, trigger)


@app.post("/webhook/monday")
async def monday_webhook(request: Request):
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return _error(415, "content type must be application/json")
    body = await _read_capped(request)
    if body is None:
        return _error(413, "body too large")
    if not _signature_ok(body, request.headers.get("X-Monday-Signature", "")):
        return _error(401, "invalid signature")
    try:
        payload = json.loads(body)
    except ValueError:
        return _error(400, "body is not JSON")
    if not isinstance(payload, dict):
        return _error(400, "body must be a JSON object")
    if "challenge" in payload:
        return JSONResponse({"challenge": payload["challenge"]})
    trigger = payload.get("triggerUuid") or (payload.get("event") or {}).get("triggerUuid")
    if trigger and not _first_delivery(str(trigger)):
        return JSONResponse({"status": "duplicate"})
    try:
        await _enqueue(payload, str(trigger or uuid.uuid4()))
    except Exception:  # not enqueued (the broker is away): forget the delivery, so Monday's retry enqueues it
        _seen.pop(str(trigger), None)
        return _error(503, "the delivery could not be enqueued; retry later")
    return JSONResponse({"status": "queued"})
