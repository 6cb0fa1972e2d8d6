"""Faulty: the worker keeps Celery's default prefetch multiplier (4)."""

from _base import reference

ref = reference()
celery_app, app = ref.celery_app, ref.app
celery_app.conf.worker_prefetch_multiplier = 4
worker_args = [a for a in ref.worker_args if not a.startswith("--prefetch-multiplier")]
