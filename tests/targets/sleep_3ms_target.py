"""Slow by a known amount, when told: while ``sleep_3ms.on`` exists beside the probe log (in the run's work
directory), the webhook sleeps 3 ms before publishing. Everything else is reference.

One set of processes serves both conditions, so a test that toggles the file compares like with like.
"""

import asyncio
import os
import pathlib
import time

from _base import reference

ref = reference()
celery_app, app, worker_args = ref.celery_app, ref.app, ref.worker_args
SWITCH = pathlib.Path(os.environ.get("HARNESS_PROBE_LOG", "probe.jsonl")).parent / "sleep_3ms.on"
_publish = ref._enqueue


async def _enqueue_later_when_switched_on(payload, trigger):
    if SWITCH.exists():  # slept in a thread: time.sleep is exact to tens of µs, the event loop's timers are not
        await asyncio.get_running_loop().run_in_executor(None, time.sleep, 0.003)
    await _publish(payload, trigger)


ref._enqueue = _enqueue_later_when_switched_on
