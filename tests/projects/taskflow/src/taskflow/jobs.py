"""taskflow's tasks. A failed task is parked in the dead-letter queue by ``on_failure``; a delivery that
keeps killing its worker is parked after a few starts (counted in PostgreSQL, which outlives the worker).
Every task may run twice (late acks: a message whose ack was lost comes again), so each is idempotent: task
ids derive from the Monday trigger down the chain, and a task id that already succeeded is not run again."""

import logging

import psycopg2
from celery import Task
from celery.signals import worker_ready

from taskflow.config import settings
from taskflow.worker import celery

log = logging.getLogger("taskflow.jobs")
MAX_STARTS = 3


class PoisonDelivery(Exception):
    pass


def _count_start(attempt: str) -> int:
    try:
        with psycopg2.connect(settings().database_url) as conn, conn.cursor() as cursor:
            cursor.execute("INSERT INTO task_starts (attempt, starts) VALUES (%s, 1) ON CONFLICT (attempt) "
                           "DO UPDATE SET starts = task_starts.starts + 1 RETURNING starts", (attempt,))
            return int(cursor.fetchone()[0])
    except psycopg2.OperationalError:
        return 0  # the database is away: run the task rather than fail it


def _stored_success(task: Task) -> tuple[bool, object]:
    """(True, its result) when this task id already succeeded: its message came again (an ack the broker lost in a
    restart, a publish retried after its confirm was lost, a delivery Monday retried after a 503 though it was
    stored), and its work, done, is not repeated. Task ids derive from the Monday trigger."""
    try:
        meta = task.backend.get_task_meta(task.request.id, cache=False)
    except Exception:  # the result store cannot answer: run the task
        return False, None
    return meta.get("status") == "SUCCESS", meta.get("result")


class Parking(Task):
    def __call__(self, *args, **kwargs):
        request = self.request
        if request.id and not request.is_eager:
            done, result = _stored_success(self)
            if done:
                log.info("%s %s already succeeded; not run again", self.name, request.id)
                return result
            if _count_start(f"{request.id}:{request.retries}") > MAX_STARTS:
                raise PoisonDelivery("this delivery killed its worker on every start")
        return super().__call__(*args, **kwargs)

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        log.warning("parking %s %s: %r", self.name, task_id, exc)
        park_dead_letter.apply_async(args=(self.name, task_id, repr(exc)),
                                     kwargs={"payload": args[0] if args else None})


@worker_ready.connect
def declare_queues(sender, **_):
    with sender.app.connection_for_write() as connection:
        for queue in sender.app.conf.task_queues:
            queue(connection.default_channel).declare()


@celery.task(name="taskflow.park_dead_letter")
def park_dead_letter(task_name, task_id, error, payload=None):
    return {"task": task_name, "id": task_id, "error": error}


@celery.task(name="taskflow.handle_monday_event", base=Parking, bind=True, autoretry_for=(Exception,),
             retry_kwargs={"max_retries": 3, "countdown": 60})
def handle_monday_event(self, event):
    if event.get("type") == "update_column_value" and _moved_to_todo(event):
        # the child's id derives from this task's: a repeated run enqueues the same workflow, run once
        run_workflow.apply_async((event.get("pulseId"), event.get("boardId")), task_id=f"{self.request.id}.workflow")
    return {"item": event.get("pulseId"), "handled": event.get("type")}


def _moved_to_todo(event) -> bool:
    value = event.get("value") or {}
    return (value.get("label") or {}).get("text") == "À faire"


@celery.task(name="taskflow.run_workflow", base=Parking)
def run_workflow(item_id, board_id):
    parent = run_workflow.request.id
    generate_code.apply_async(({"item": item_id, "board": board_id},), task_id=f"{parent}.generate")
    run_tests.apply_async((f"board-{board_id}", f"item-{item_id}"), task_id=f"{parent}.tests")
    return {"item": item_id}


@celery.task(name="taskflow.generate_code", base=Parking)
def generate_code(spec):
    return {"generated": spec.get("item")}


@celery.task(name="taskflow.run_tests", base=Parking)
def run_tests(repository, branch, timeout_s=600):
    return {"repository": repository, "branch": branch, "passed": True}
