"""Shared by the slow targets: the reference target, sleeping a fixed time before each publish.

The sleep is taken in a thread (time.sleep is exact to tens of µs; the event loop's timers are not), and the
event loop goes on serving other webhooks meanwhile.
"""

import asyncio
import time

from _base import reference


def reference_sleeping(seconds):
    ref = reference()
    publish = ref._enqueue

    async def _enqueue_later(payload, trigger):
        await asyncio.get_running_loop().run_in_executor(None, time.sleep, seconds)
        await publish(payload, trigger)

    ref._enqueue = _enqueue_later
    return ref
