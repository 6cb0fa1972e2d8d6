"""The Monday webhook: verify Monday's JWT, store the event once, hand it to the worker."""

import json
import logging
import threading
from collections.abc import Iterator
from contextlib import asynccontextmanager, contextmanager

import jwt
import psycopg2
import psycopg2.pool
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from taskflow import logs
from taskflow.config import settings
from taskflow.jobs import handle_monday_event

log = logging.getLogger("taskflow.api")


class EventStore:
    """The webhook's PostgreSQL connections: kept open between requests, and a request waits for a free one
    (psycopg2's pool raises PoolError when all are in use, and closes every idle one beyond ``minconn``).
    A connection the server closed (a restart) is dropped, and replaced on the next request."""

    def __init__(self, dsn: str, size: int) -> None:
        # The event log is for deduplication: a commit lost in a crash only lets Monday's retry through, and the
        # task ids derive from the trigger, so the webhook does not wait for the WAL flush.
        self._pool = psycopg2.pool.ThreadedConnectionPool(1, size, dsn, options="-c synchronous_commit=off")
        self._pool.minconn = size  # keep up to ``size`` idle connections, open them as needed
        self._free = threading.BoundedSemaphore(size)

    @contextmanager
    def connection(self) -> Iterator:
        with self._free:
            conn = self._pool.getconn()
            try:
                yield conn
            finally:
                self._pool.putconn(conn, close=bool(conn.closed))

    def close(self) -> None:
        self._pool.closeall()


_store: EventStore | None = None


@asynccontextmanager
async def lifespan(_app):
    global _store
    logs.configure("api")
    _store = EventStore(settings().database_url, settings().database_pool_size)
    yield
    _store.close()


app = FastAPI(title="taskflow", lifespan=lifespan)


def _reply(status: int, message: str) -> JSONResponse:
    return JSONResponse({"detail": message}, status_code=status)


def _from_monday(request: Request) -> bool:
    if not settings().verify_signatures:
        return True
    token = request.headers.get("authorization", "")
    try:
        jwt.decode(token, settings().monday_signing_secret, algorithms=["HS256"], audience=str(request.url),
                   options={"require": ["exp", "iat", "aud"]})
    except jwt.PyJWTError:
        return False
    return True


def _remember(cursor, event: dict) -> bool:
    """Store the event; False when this trigger was stored before (Monday retries deliveries). Until the caller
    commits, a concurrent delivery of the same trigger waits here on the row."""
    cursor.execute("INSERT INTO monday_events (trigger_uuid, event_type, board_id, item_id) "
                   "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
                   (str(event["triggerUuid"]), str(event.get("type")), event.get("boardId"), event.get("pulseId")))
    return cursor.rowcount == 1


def _enqueue(event: dict) -> None:
    handle_monday_event.apply_async((event,), task_id=f"monday-{event['triggerUuid']}")


async def _body(request: Request) -> bytes | None:
    size = request.headers.get("content-length")
    if size is not None and (not size.isdigit() or int(size) > settings().max_body_bytes):
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > settings().max_body_bytes:
            return None
    return body


@app.post("/webhook/monday")
async def monday_webhook(request: Request):
    if request.headers.get("content-type", "").partition(";")[0].strip() != "application/json":
        return _reply(415, "expected application/json")
    body = await _body(request)
    if body is None:
        return _reply(413, "body too large")
    try:
        payload = json.loads(body)
    except ValueError:
        return _reply(400, "invalid JSON")
    if isinstance(payload, dict) and "challenge" in payload:
        return {"challenge": payload["challenge"]}
    if not _from_monday(request):
        return _reply(401, "not signed by Monday")
    event = payload.get("event") if isinstance(payload, dict) else None
    if not isinstance(event, dict) or "type" not in event or "triggerUuid" not in event:
        return _reply(422, "not a Monday event")
    return await run_in_threadpool(_accept, event)


def _accept(event: dict):
    """Store the event and enqueue it in one transaction, committed once the broker has confirmed the message: a
    delivery not enqueued (the publish failed, the process ended mid-request) leaves no row, so Monday's retry of it
    is enqueued; a retry after the commit is answered "already received". A commit that fails after the publish
    gets a 503 too: the retry enqueues the same task id again, which the worker does not run twice."""
    try:
        with _store.connection() as conn, conn, conn.cursor() as cursor:
            if not _remember(cursor, event):
                return {"status": "already received"}
            _enqueue(event)
    except Exception:
        log.exception("could not store and enqueue %s", event["triggerUuid"])
        return _reply(503, "try again later")
    return {"status": "queued"}
