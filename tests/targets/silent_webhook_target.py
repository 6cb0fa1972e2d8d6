"""Faulty: the webhook answers 200 but never enqueues the workflow (only the webhook task)."""

from _base import reference

ref = reference()
celery_app, worker_args = ref.celery_app, ref.worker_args


async def _enqueue_only_webhook(payload, trigger):
    await ref._publish(ref.process_monday_webhook, payload, trigger)


ref._enqueue = _enqueue_only_webhook
app = ref.app
