"""Faulty: once a publish fails, the webhook never publishes again (as if it kept a dead connection), so
every delivery after a broker outage is answered 503. Everything else is reference."""

from _base import reference

ref = reference()
celery_app, app, worker_args = ref.celery_app, ref.app, ref.worker_args
_reference_enqueue = ref._enqueue
_broken = []


async def _enqueue_until_the_first_error(payload, trigger):
    if _broken:
        raise ConnectionError("the publisher's connection died earlier and was never replaced")
    try:
        await _reference_enqueue(payload, trigger)
    except Exception:
        _broken.append(True)
        raise


ref._enqueue = _enqueue_until_the_first_error
