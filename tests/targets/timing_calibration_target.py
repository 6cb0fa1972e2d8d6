"""Calibration instrument for the timing check (not a fault): a known delay on a nearly right signature.

When the request's ``X-Harness-Delay-Us`` header asks for *d* microseconds and the signature's first
character is right, the webhook busy-waits *d* µs before the reference handler refuses it. A signature
wrong from its first character costs nothing extra, so the timing check's A − B difference is *d*.
``scripts/timing_resolution.py`` sweeps *d* to find the smallest difference the method detects.
"""

import hashlib
import hmac
import os
import time

from _base import reference

ref = reference()
celery_app, worker_args = ref.celery_app, ref.worker_args


def _spin(seconds):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


async def _body_of(receive):
    chunks, more = [], True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)


class _DelayOnRightPrefix:
    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.inner(scope, receive, send)
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        body = await _body_of(receive)
        secret = os.environ.get("WEBHOOK_SECRET", "").encode()
        expected = hmac.new(secret, body, hashlib.sha256).hexdigest()
        right = headers.get("x-monday-signature", "")[:1] == expected[:1]
        delay_s = float(headers.get("x-harness-delay-us", "0")) / 1e6
        _spin(delay_s if right else 0.0)  # the same work either way, so the only difference is the delay
        sent = False

        async def replay():
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.inner(scope, replay, send)


app = _DelayOnRightPrefix(ref.app)
