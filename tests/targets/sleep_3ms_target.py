"""Slow by a known amount: the webhook sleeps 3 ms before publishing. Everything else is reference."""

from _delay import reference_sleeping

ref = reference_sleeping(0.003)
celery_app, app, worker_args = ref.celery_app, ref.app, ref.worker_args
