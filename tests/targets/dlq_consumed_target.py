"""Faulty in a way the checks do not spell out: the worker also consumes the DLQ, so dead letters
are taken away (and their task runs) instead of waiting for a person."""

from _base import reference

ref = reference()
celery_app, app = ref.celery_app, ref.app
worker_args = ["--queues=webhooks,workflows,ai_generation,tests,dlq", "--prefetch-multiplier=1"]
