"""Broker faults: the node stopped and started (durable queues and persistent messages must survive),
and the target's connections closed through the management API (the target must reconnect)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from harness.faults.base import FaultContext, pause
from harness.faults.process import frozen_workers
from harness.probes.amqp import queue_counts
from harness.probes.management import Management
from harness.probes.tap import CONNECTION_PREFIX
from harness.session import Session
from harness.waiting import poll

BACKLOG_WAIT_S = 3.0
LIST_LAG_S = 12.0  # the management API's statistics interval is 5 s by default


def ready_counts(context: FaultContext) -> dict[str, int]:
    broker, queues = context.session.services.broker, context.session.config.contract.work_queues
    return {name: counts.messages for name, counts in queue_counts(broker, queues).items()}


def with_backlog(context: FaultContext) -> dict[str, int]:
    """Send a burst if needed, so that messages wait in the queues when the broker stops; the counts."""
    wanted = context.plan.backlog
    counts = ready_counts(context)
    if sum(counts.values()) < wanted:
        context.sender.burst(wanted)
        counts = poll(lambda: ready_counts(context), lambda now: sum(now.values()) >= wanted // 2, BACKLOG_WAIT_S)
    return counts


class BrokerRestart:
    name = "broker_restart"
    title = "broker node stopped and started"

    def unavailable(self, session: Session) -> str | None:
        controls = session.services.controls
        return None if controls.broker is not None else controls.why_not

    def inject(self, context: FaultContext) -> None:
        control = context.session.services.controls.broker
        assert control is not None
        started = time.time()
        try:
            with frozen_workers(context) as frozen:  # so the backlog builds and is still there when the node stops
                counts = with_backlog(context)
                control.stop()
            pause(context.plan.outage_s)
        finally:
            control.start()
        waiting = ", ".join(f"{q} {n}" for q, n in counts.items() if n)
        note = "; the workers were paused (SIGSTOP) from before the backlog was sent until the node was down"
        note = note if frozen else ""
        context.record(self.name, started, f"{control.how}; {sum(counts.values())} messages ready in the queues "
                                           f"at the stop ({waiting or 'none'}){note}")


class BrokerCrash:
    """The node hung (SIGSTOP), then killed (SIGKILL) and started: what clients wrote while it hung is gone.
    A publisher waiting for confirms learns it; one that answered 200 without them has lost the message."""

    name = "broker_crash"
    title = "broker node hung, then killed and started"

    def unavailable(self, session: Session) -> str | None:
        control = session.services.controls.broker
        if control is None:
            return session.services.controls.why_not
        return None if callable(getattr(control, "crash", None)) else (
            f"the {session.services.backend} back-end cannot crash its broker node, only stop it")

    def inject(self, context: FaultContext) -> None:
        control = context.session.services.controls.broker
        crash: Callable[[float], None] = getattr(control, "crash")  # noqa: B009 (checked by unavailable)
        assert control is not None
        started = time.time()
        try:
            with frozen_workers(context):  # so the backlog builds and is still in the queues when the node dies
                counts = with_backlog(context)
                crash(context.plan.outage_s)
        finally:
            control.start()
        down, waiting = time.time() - started, sum(counts.values())
        context.record(self.name, started, f"SIGSTOP to the broker node, SIGKILL {context.plan.outage_s:g} s later "
                                           f"({waiting} messages ready in the queues, the workers paused meanwhile), "
                                           f"then a start on the same ports and data; down {down:.1f} s")


class FaultApi(Management):
    """The management endpoints the connection fault needs."""

    def close_connection(self, name: str, reason: str) -> None:
        response = self._request("DELETE", f"/connections/{quote(name, safe='')}", headers={"X-Reason": reason})
        if response.status_code != 404:  # already gone
            response.raise_for_status()


def is_harness_connection(connection: dict[str, Any]) -> bool:
    name = str((connection.get("client_properties") or {}).get("connection_name") or "")
    return name.startswith(CONNECTION_PREFIX)


def describe_clients(connections: list[dict[str, Any]]) -> str:
    products: dict[str, int] = {}
    for c in connections:
        product = str((c.get("client_properties") or {}).get("product") or "unknown client")
        products[product] = products.get(product, 0) + 1
    return ", ".join(f"{n} {p}" for p, n in sorted(products.items()))


class ConnectionsClosed:
    name = "connections_closed"
    title = "broker connections closed"

    def unavailable(self, session: Session) -> str | None:
        return None

    def inject(self, context: FaultContext) -> None:
        started, broker = time.time(), context.session.services.broker
        api = FaultApi(broker.management_url, broker.user, broker.password)
        try:
            closed = close_older_connections(api, broker.vhost, started)
        finally:
            api.close()
        context.record(self.name, started, f"closed {len(closed)} AMQP connections of the run's vhost through the "
                                           f"management API ({describe_clients(closed) or 'none open'})")


def close_older_connections(api: FaultApi, vhost: str, before: float) -> list[dict[str, Any]]:
    """Close the target's connections opened before ``before``. The management API lists a connection
    only once its statistics were collected (every 5 s by default), so the list is read again until a
    pass after the first close finds nothing new; reconnections (opened later) are spared."""
    closed: dict[str, dict[str, Any]] = {}
    deadline = time.monotonic() + LIST_LAG_S
    while time.monotonic() < deadline:
        fresh = [c for c in api.connections(vhost) if c["name"] not in closed and not is_harness_connection(c)
                 and float(c.get("connected_at") or 0) / 1000 < before]
        if closed and not fresh:
            break
        for connection in fresh:
            api.close_connection(connection["name"], "harness fault injection")
            closed[connection["name"]] = connection
        time.sleep(0.5)
    return list(closed.values())
