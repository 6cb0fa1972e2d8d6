"""Webhook idempotency under a race: copies of one delivery arriving at the same moment.

The sequential replay check (``security.replay_not_enqueued_twice``) sends Monday's retry after the original
was enqueued, so a webhook that checks "seen?" before enqueueing and records the delivery only afterwards
passes it. Here the copies leave together, on their own connections (httpx's AsyncClient, one request per
copy, released at once), so such a check-then-act gap shows as a second message.
"""

from __future__ import annotations

import asyncio
import time

import httpx

from harness.checks.live import skip_if_undecodable, undecodable_since
from harness.checks.security.deliveries import webhook_task
from harness.checks.security.http import (
    SUBJECT,
    Answer,
    Probe,
    enqueued,
    reproduce,
    settle,
    signed_probe,
    wait_enqueued,
)
from harness.checks.webhook import webhook_url
from harness.findings import CheckSkipped, ConcurrentDuplicatesEnqueued, Finding, Severity
from harness.session import Session

CONCURRENT = "security.concurrent_duplicates_enqueued_once"
COPIES = 8  # deliveries of the same body at once: Monday's retry racing its original, a proxy's duplicate


def concurrent_duplicates_enqueued_once(session: Session) -> None:
    """``COPIES`` identical signed deliveries sent at the same moment give exactly one webhook task message."""
    probe, started = signed_probe(session, "concurrent-copies"), time.monotonic_ns()
    assert probe.trigger is not None
    answers = asyncio.run(send_together(webhook_url(session), probe, COPIES))
    if not wait_enqueued(session, probe.trigger, webhook_task(session)):
        raise CheckSkipped(f"none of {COPIES} copies was enqueued (see security.valid_delivery_enqueued_once)")
    settle()
    count = enqueued(session, probe.trigger, webhook_task(session))
    if count == 1:
        skip_if_undecodable(undecodable_since(session, started), "while the copies were sent")
        return
    raise ConcurrentDuplicatesEnqueued(Finding(
        CONCURRENT, SUBJECT, Severity.HIGH,
        f"{COPIES} copies of one delivery sent at the same moment were enqueued {count} times",
        expected=f"one {webhook_task(session)} message for triggerUuid {probe.trigger}, however many copies arrive "
                 "at once (the duplicate check and the record of the delivery must be one atomic step)",
        observed=f"{count} messages; answers {describe(answers)}",
        reproduce=f"send {COPIES} at once: {reproduce(session, probe)}"))


async def send_together(url: str, probe: Probe, copies: int) -> list[Answer]:
    """Every copy on its own connection, each released by one event once all are connected."""
    go = asyncio.Event()
    limits = httpx.Limits(max_connections=copies, max_keepalive_connections=copies)
    async with httpx.AsyncClient(limits=limits, timeout=10.0) as client:
        tasks = [asyncio.create_task(_send_when(client, url, probe, go)) for _ in range(copies)]
        await asyncio.sleep(0.05)  # every task waiting on the event
        go.set()
        return list(await asyncio.gather(*tasks))


async def _send_when(client: httpx.AsyncClient, url: str, probe: Probe, go: asyncio.Event) -> Answer:
    await go.wait()
    try:
        response = await client.post(url, content=probe.body, headers=probe.headers)
    except httpx.HTTPError as exc:
        return Answer(None, error=type(exc).__name__)
    return Answer(response.status_code, response.text)


def describe(answers: list[Answer]) -> str:
    counts: dict[str, int] = {}
    for answer in answers:
        key = str(answer.status) if answer.status is not None else "no answer"
        counts[key] = counts.get(key, 0) + 1
    return ", ".join(f"{n}× {k}" for k, n in sorted(counts.items()))
