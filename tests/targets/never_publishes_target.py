"""Faulty: the webhook answers 200 "queued" but never publishes anything. Everything else is reference."""

from _base import reference

ref = reference()
celery_app, app, worker_args = ref.celery_app, ref.app, ref.worker_args


async def _enqueue_nothing(payload, trigger):
    return None


ref._enqueue = _enqueue_nothing
