"""Faulty: the webhook sleeps 8 ms before publishing, so p99 exceeds the 5 ms SLO by more than the whole SLO's
share a quiet floor leaves. Everything else is reference."""

from _delay import reference_sleeping

ref = reference_sleeping(0.008)
celery_app, app, worker_args = ref.celery_app, ref.app, ref.worker_args
