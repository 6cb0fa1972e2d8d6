"""Faulty: the webhook swallows a publish error and answers 200 anyway. Everything else is reference."""

import contextlib

from _base import reference

ref = reference()
celery_app, app, worker_args = ref.celery_app, ref.app, ref.worker_args
_reference_enqueue = ref._enqueue


async def _enqueue_swallowing(payload, trigger):
    with contextlib.suppress(Exception):  # the defect: nothing is logged, and the delivery is answered 200
        await _reference_enqueue(payload, trigger)


ref._enqueue = _enqueue_swallowing
