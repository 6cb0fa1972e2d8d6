"""Faulty: the webhook checks whether it saw a triggerUuid before enqueueing, and records it only after the
publish: Monday's retry arriving later is refused, but copies arriving at the same moment are all enqueued.

Everything else is reference.
"""

from _base import reference

ref = reference()
celery_app, worker_args = ref.celery_app, ref.worker_args
_enqueue = ref._enqueue


def _not_seen(trigger):
    return trigger not in ref._seen


async def _enqueue_then_record(payload, trigger):
    await _enqueue(payload, trigger)
    ref._seen[trigger] = True


ref._first_delivery = _not_seen
ref._enqueue = _enqueue_then_record
app = ref.app
