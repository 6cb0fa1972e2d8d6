"""Faulty: the webhook answers 200 but never enqueues the workflow (only the webhook task)."""

from _base import reference

ref = reference()
celery_app, worker_args = ref.celery_app, ref.worker_args


def _enqueue_only_webhook(payload, trigger):
    ref.process_monday_webhook.apply_async((payload,), task_id=ref._task_id(trigger, "webhook"))


ref._enqueue = _enqueue_only_webhook
app = ref.app
