"""Broker faults: the node stopped and started (durable queues and persistent messages must survive),
and the target's connections closed through the management API (the target must reconnect)."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

from harness.faults.base import FaultContext, pause
from harness.probes.amqp import queue_counts
from harness.probes.management import Management
from harness.probes.tap import CONNECTION_PREFIX
from harness.session import Session

BACKLOG_WAIT_S = 3.0


def ready_counts(context: FaultContext) -> dict[str, int]:
    broker, queues = context.session.services.broker, context.session.config.contract.work_queues
    return {name: counts.messages for name, counts in queue_counts(broker, queues).items()}


def with_backlog(context: FaultContext) -> dict[str, int]:
    """Send a burst if needed, so that messages wait in the queues when the broker stops; the counts."""
    wanted = context.plan.backlog
    counts = ready_counts(context)
    if sum(counts.values()) < wanted:
        context.sender.burst(wanted)
        deadline = time.monotonic() + BACKLOG_WAIT_S
        while sum(counts.values()) < wanted // 2 and time.monotonic() < deadline:
            time.sleep(0.05)
            counts = ready_counts(context)
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
        counts = with_backlog(context)
        started = time.time()
        try:
            control.stop()
            pause(context.plan.outage_s)
        finally:
            control.start()
        waiting = ", ".join(f"{q} {n}" for q, n in counts.items() if n)
        context.record(self.name, started, f"{control.how}; {sum(counts.values())} messages ready in the queues "
                                           f"at the stop ({waiting or 'none'})")


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
            targets = [c for c in api.connections(broker.vhost) if not is_harness_connection(c)]
            for connection in targets:
                api.close_connection(connection["name"], "harness fault injection")
        finally:
            api.close()
        context.record(self.name, started, f"closed {len(targets)} AMQP connections of the run's vhost through the "
                                           f"management API ({describe_clients(targets) or 'none open'})")
