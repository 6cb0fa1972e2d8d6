"""Faulty: once a second the webhook's event loop stalls for 200 ms (a blocking call in async code).

Every request in flight waits, and so does every request the load generator wanted to send meanwhile:
the case that coordinated-omission correction exists for. Everything else is reference.
"""

import time

from _base import reference

ref = reference()
celery_app, worker_args = ref.celery_app, ref.worker_args


class _StallOncePerSecond:
    def __init__(self, inner):
        self.inner = inner
        self.last = time.monotonic()

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and time.monotonic() - self.last >= 1.0:
            self.last = time.monotonic()
            time.sleep(0.2)  # blocks the event loop on purpose
        await self.inner(scope, receive, send)


app = _StallOncePerSecond(ref.app)
