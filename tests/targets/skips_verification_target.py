"""Faulty: the webhook never verifies the signature (any value, or none, passes). Everything else is reference."""

from _base import reference

ref = reference()
celery_app, worker_args = ref.celery_app, ref.worker_args


def _anything_goes(body, signature):
    return True


ref._signature_ok = _anything_goes
app = ref.app
