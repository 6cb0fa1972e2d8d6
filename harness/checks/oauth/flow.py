"""The OAuth suite's end-to-end path: a signed webhook, its queue, the worker running the *real* body of
``process_monday_webhook``, and what that body did on the (emulated) Monday board.

The delivery carries the probe marker ``{"real": true}``, so the session's worker runs the target's
real task body for this one message even when the other suites run with stub bodies
(``--task-bodies real`` runs real bodies anyway). The flow ends when the item got a new update on the
board, or when the task reached a final state in the result backend (after its retries), or after a
timeout.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from harness.checks.live import FINAL
from harness.checks.oauth.view import Call, EmulatorView, ItemState, LiveView, monday_of
from harness.checks.security.http import Answer, Probe, headers_for, send
from harness.payloads.dialects import MONDAY, make_event
from harness.payloads.factory import trigger_uuid_of
from harness.session import Session
from harness.waiting import wait_for

FLOW_TIMEOUT_S = 20.0


@dataclass(frozen=True)
class Flow:
    probe: Probe
    board_id: str
    item_id: str
    answer: Answer
    before: ItemState
    after: ItemState
    calls: tuple[Call, ...]  # emulator calls made while the flow ran (none against real Monday)
    task_state: str | None
    elapsed_s: float

    @property
    def changed(self) -> bool:
        return self.after.found and (self.after.updates != self.before.updates or self.after.status !=
                                     self.before.status)

    def calls_of(self, kind: str) -> list[Call]:
        return [c for c in self.calls if c["kind"] == kind]


def _task_state(session: Session, trigger: str) -> str | None:
    """The final state of the webhook task this delivery enqueued, once there is one."""
    task = session.config.contract.role_name("webhook")
    ids = [o.task_id for o in session.tap.observations() if o.trigger == trigger and o.task == task]
    rows = session.results.rows([i for i in ids if i])
    states = [row.status for row in rows.values() if row.status in FINAL]
    return states[0] if states else None


def _delivery(session: Session, item_id: str | None) -> Probe:
    board = session.target.env.get("MONDAY_BOARD_ID")
    dialect = session.config.contract.webhook.dialect
    payload = make_event(dialect, status_change=False, board_id=board, marker={"real": True})
    if item_id:  # Monday's own bodies carry ids as numbers, the document's as strings
        payload["event"]["pulseId"] = int(item_id) if dialect == MONDAY and item_id.isdigit() else item_id
    body = json.dumps(payload).encode()
    return Probe("oauth-flow", body, headers_for(session, body), str(trigger_uuid_of(payload)), signed=True)


def run_flow(session: Session, timeout_s: float = FLOW_TIMEOUT_S) -> Flow:
    """Send one delivery and follow it to the board (or to its task's final state)."""
    link = monday_of(session)
    status_column = session.target.env.get("MONDAY_STATUS_COLUMN_ID", "status")
    emulator = EmulatorView(link.emulator_url, status_column) if link.emulator_url else None
    view: EmulatorView | LiveView = emulator or LiveView(link, status_column)
    start = emulator.last_seq() if emulator else 0
    probe = _delivery(session, link.item_id)
    event = json.loads(probe.body)["event"]
    item, board = str(event["pulseId"]), str(event["boardId"])  # Monday's own bodies carry them as numbers
    before, started = view.item(board, item), time.monotonic()
    answer = send(session, probe)
    assert probe.trigger is not None
    trigger = probe.trigger

    def finished() -> bool:  # an update is the last thing a body writes; else wait for the task's end
        return view.item(board, item).updates != before.updates or _task_state(session, trigger) is not None

    wait_for(finished, timeout_s, 0.25)
    calls = tuple(emulator.calls(start)) if emulator else ()
    return Flow(probe, board, item, answer, before, view.item(board, item), calls, _task_state(session, trigger),
                time.monotonic() - started)
