"""Faulty: task messages are published transient (delivery_mode 1)."""

from _base import reference

ref = reference()
celery_app, app, worker_args = ref.celery_app, ref.app, ref.worker_args
celery_app.conf.task_default_delivery_mode = "transient"
