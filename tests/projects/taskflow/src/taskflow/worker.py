"""The Celery application: queues on the ai_agent topic exchange, gzip messages, task events on."""

import sqlalchemy
from celery import Celery
from celery.backends.base import Backend
from celery.backends.database import DatabaseBackend
from kombu import Exchange, Queue

from taskflow.config import settings

PARKED = Exchange("ai_agent.parked", type="fanout", durable=True)  # where unroutable messages go
EXCHANGE = Exchange("ai_agent", type="topic", durable=True, arguments={"alternate-exchange": PARKED.name})

ROUTES = {  # task name -> (queue, routing key, priority)
    "taskflow.handle_monday_event": ("webhooks", "webhook.monday", 9),
    "taskflow.run_workflow": ("workflows", "workflow.langgraph", 5),
    "taskflow.generate_code": ("ai_generation", "ai.generate.code", 7),
    "taskflow.run_tests": ("tests", "test.execute", 3),
    "taskflow.park_dead_letter": ("dlq", "dead_letter.task", 0),
}
BINDINGS = {"webhooks": "webhook.#", "workflows": "workflow.#", "ai_generation": "ai.#", "tests": "test.#",
            "dlq": "dead_letter.#"}


def _queue_arguments(name: str) -> dict:
    arguments = {"x-max-priority": 10}
    ttl = settings().webhook_queue_ttl_ms
    if name == "webhooks" and ttl:
        arguments["x-message-ttl"] = ttl
    return arguments


def _queues() -> list:
    queues = [Queue(name, EXCHANGE, routing_key=key, durable=True, queue_arguments=_queue_arguments(name))
              for name, key in BINDINGS.items()]
    return [*queues, Queue("parked", PARKED, routing_key="", durable=True)]


celery = Celery("taskflow", include=["taskflow.jobs"])
celery.conf.update(
    broker_url=settings().broker_url,
    result_backend=settings().result_backend,
    task_queues=_queues(),
    task_routes={name: {"queue": q, "routing_key": key, "priority": p} for name, (q, key, p) in ROUTES.items()},
    task_default_exchange=EXCHANGE.name,
    task_default_exchange_type="topic",
    task_default_queue="webhooks",
    task_create_missing_queues=False,
    task_compression="gzip",
    worker_send_task_events=True,
    task_send_sent_event=True,
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    broker_transport_options={"confirm_publish": True},
    broker_channel_error_retry=True,
    task_publish_retry=True,
    result_extended=True,
    # While PostgreSQL restarts or refuses connections, a result is stored again with backoff (about 20 s in all),
    # instead of the task being marked as failed after the backend's three quick tries and its message acked.
    result_backend_always_retry=True,
    result_backend_max_retries=10,
    result_backend_base_sleep_between_retries_ms=100,
    worker_hijack_root_logger=False,
)


def _retry_database_errors() -> None:
    """Celery 5.3 to 5.5's database backend never calls an error safe to retry (it keeps the base class's "never"),
    so ``result_backend_always_retry`` does nothing for it. Give it the rule later Celery has."""
    if DatabaseBackend.exception_safe_to_retry is Backend.exception_safe_to_retry:
        retryable = (sqlalchemy.exc.DatabaseError, sqlalchemy.exc.InterfaceError, sqlalchemy.exc.InvalidRequestError,
                     sqlalchemy.orm.exc.StaleDataError)
        DatabaseBackend.exception_safe_to_retry = lambda self, exc: isinstance(exc, retryable)


_retry_database_errors()
