"""Faulty: the webhook swallows a publish error and answers 200 anyway. Everything else is reference."""

from _base import reference

ref = reference()
celery_app, app, worker_args = ref.celery_app, ref.app, ref.worker_args
_reference_enqueue = ref._enqueue


def _enqueue_swallowing(payload, trigger):
    try:
        _reference_enqueue(payload, trigger)
    except Exception:  # the defect: nothing is logged, and the delivery is answered 200 "queued"
        pass


ref._enqueue = _enqueue_swallowing
