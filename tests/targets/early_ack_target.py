"""Faulty: messages are acknowledged when a task starts (acks_late off)."""

from _base import reference

ref = reference()
celery_app, app, worker_args = ref.celery_app, ref.app, ref.worker_args
celery_app.conf.task_acks_late = False
for task in celery_app.tasks.values():
    task.acks_late = False
