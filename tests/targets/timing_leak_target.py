"""Faulty: the signature is compared with an early-exit loop that spends 30 µs per matching character.

A nearly right signature (63 of 64 hex characters right) is refused about 1.9 ms later than one wrong
from its first character: the leak the timing check must find, large enough to stand out on a busy
shared machine (the smallest detectable difference is measured by scripts/timing_resolution.py).
Everything else is reference.
"""

import hashlib
import hmac
import os
import time

from _base import reference

ref = reference()
celery_app, worker_args = ref.celery_app, ref.worker_args
PER_CHARACTER_S = 30e-6


def _spin(seconds):
    """Busy-wait: time.sleep cannot sleep a few microseconds."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def _early_exit_signature_ok(body, signature):
    secret = os.environ.get("WEBHOOK_SECRET", "").encode()
    expected = hmac.new(secret, body, hashlib.sha256).hexdigest()
    if not secret or len(signature) != len(expected):
        return False
    for at in range(len(expected)):
        if expected[at] != signature[at]:
            return False
        _spin(PER_CHARACTER_S)
    return True


ref._signature_ok = _early_exit_signature_ok
app = ref.app
