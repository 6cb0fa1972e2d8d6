"""Faulty: the webhook is not idempotent on triggerUuid: Monday's retry of a delivery is enqueued again.

Everything else is reference.
"""

from _base import reference

ref = reference()
celery_app, worker_args = ref.celery_app, ref.worker_args


def _always_first(trigger):
    return True


ref._first_delivery = _always_first
app = ref.app
