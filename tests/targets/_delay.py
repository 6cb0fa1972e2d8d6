"""Shared by the slow targets: the reference target, sleeping a fixed time before each publish."""

import time

from _base import reference


def reference_sleeping(seconds):
    ref = reference()
    publish = ref._enqueue

    def _enqueue_later(payload, trigger):
        time.sleep(seconds)
        publish(payload, trigger)

    ref._enqueue = _enqueue_later
    return ref
