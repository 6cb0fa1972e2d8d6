"""Faulty: successful results are not stored (only errors are)."""

from _base import reference

ref = reference()
celery_app, app, worker_args = ref.celery_app, ref.app, ref.worker_args
celery_app.conf.task_ignore_result = True
celery_app.conf.task_store_errors_even_if_ignored = True
for task in celery_app.tasks.values():
    task.ignore_result = True
    task.store_errors_even_if_ignored = True
