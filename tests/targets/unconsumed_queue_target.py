"""Faulty: the worker does not consume the tests queue."""

from _base import reference

ref = reference()
celery_app, app = ref.celery_app, ref.app
worker_args = ["--queues=webhooks,workflows,ai_generation", "--prefetch-multiplier=1"]
