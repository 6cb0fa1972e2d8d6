"""Faulty: dead-lettering lives in the task body (as in the document), not in on_failure."""

from _base import reference
from celery import Task

ref = reference()
celery_app, app, worker_args = ref.celery_app, ref.app, ref.worker_args
for name in ("ai_agent_background.process_monday_webhook",):
    task = celery_app.tasks[name]
    type(task).on_failure = Task.on_failure
