"""Faulty: the webhook sleeps 10 ms before publishing, so p99 exceeds the 5 ms SLO. Everything else is reference."""

from _delay import reference_sleeping

ref = reference_sleeping(0.010)
celery_app, app, worker_args = ref.celery_app, ref.app, ref.worker_args
