"""Where the consumer side runs while the load window is measured.

In production the workers and their database writes run on other machines than the webhook; on one
small box they take the cores the measured path needs, and the figure is of the box. ``paused`` (the
default) cancels every worker's consumers for the window (Celery's remote control), so the queues absorb
the work and drain after it, which the load ledger still checks to the last delivery; ``shared`` leaves
everything running on the same cores, as a production box that hosts both would.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from harness.errors import TargetError
from harness.session import Session
from harness.target.workers import consumed_queues

TOPOLOGIES = {
    "paused": "consumers paused during the measured window (the backlog drains after it, checked by the ledger)",
    "shared": "everything shared: the workers run on the same cores during the window",
}


@contextmanager
def measured_topology(session: Session, topology: str) -> Iterator[str]:
    """Arrange the consumer side for the window; yields what was measured, in words, for the report."""
    if topology != "paused":
        yield TOPOLOGIES["shared"]
        return
    queues = consumed_queues(session.target.description, session.config.contract)
    with ExitStack() as stack:
        try:
            stack.enter_context(session.target.consumers_paused(*queues))
        except TargetError as exc:  # a worker that does not answer remote control: say so and measure as is
            yield f"{TOPOLOGIES['shared']} (pausing consumers failed: {exc})"
            return
        yield f"{TOPOLOGIES['paused']}: {', '.join(queues)}"
