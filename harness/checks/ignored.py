"""Accepted but ignored: a webhook that answers 2xx to valid deliveries and enqueues nothing for them.

That is what a service does with a body in a dialect it does not read (``payloads.dialects``): it
reads ``event.type``, finds none, and says 200. ``routing.webhook_enqueues_to_queue`` (in ``--quick``)
reports it once; the other checks that need a valid delivery enqueued skip with :func:`ignored_reason`
instead of reporting the same thing as a defect of their own, and the load and fault ledgers count
such deliveries as ignored, not lost.

"Nothing enqueued" is read from the tap: no message carries the deliveries' ``triggerUuid`` (routed
or unroutable), and no webhook-task message at all reached the broker since they were sent (so a
target that enqueues without copying the payload, or whose bodies the tap cannot read, is not
mistaken for one that ignores it).
"""

from __future__ import annotations

from collections.abc import Iterable

from harness.findings import IGNORED, CheckSkipped
from harness.session import Session

ENQUEUES = "routing.webhook_enqueues_to_queue"  # the check that reports it


def left_no_message(session: Session, triggers: Iterable[str], since_ns: int) -> bool:
    """No message carries one of ``triggers``, and no webhook-task message arrived since ``since_ns``."""
    wanted, task = set(triggers), session.config.contract.role_name("webhook")
    return not any(o.trigger in wanted or (o.t_ns >= since_ns and o.task == task)
                   for o in session.tap.observations())


def ignored_reason(session: Session) -> str:
    dialect = session.config.contract.webhook.dialect
    return (f"{IGNORED}: the webhook answered 2xx to a valid delivery in dialect {dialect} and enqueued nothing "
            f"(reported once, by {ENQUEUES})")


def skip_if_ignored(session: Session, trigger: str, accepted: bool, since_ns: int) -> None:
    """Skip the calling check when its valid delivery was accepted and left no message at all."""
    if accepted and left_no_message(session, [trigger], since_ns):
        raise CheckSkipped(ignored_reason(session))
