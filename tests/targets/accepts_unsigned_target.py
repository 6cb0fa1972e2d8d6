"""Faulty: a signature is verified when one is sent, but a delivery without one is let through.

The classic ``if signature and not valid(signature): 401``. Everything else is reference.
"""

from _base import reference

ref = reference()
celery_app, worker_args = ref.celery_app, ref.worker_args
_verify = ref._signature_ok


def _unsigned_passes(body, signature):
    return not signature or _verify(body, signature)


ref._signature_ok = _unsigned_passes
app = ref.app
