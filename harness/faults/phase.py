"""One fault scenario: a steady load, its faults at their times, Monday-style retries of what was
refused, then waiting (bounded) until every accepted webhook's work has ended, and the account."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from harness.errors import ServiceUnavailable
from harness.faults.base import Fault, FaultContext, pause
from harness.faults.broker import BrokerCrash, BrokerRestart, ConnectionsClosed
from harness.faults.cluster import CLUSTER_FAULTS
from harness.faults.database import DatabaseRestart, DatabaseUnreachable
from harness.faults.plan import MAX_LOAD_S, FaultPlan, Scenario, offsets
from harness.faults.process import WebhookRestart, WorkerKill
from harness.faults.recovery import accepting_since, recovery
from harness.ledger.account import Account, Verdict, account
from harness.ledger.evidence import EvidenceReader
from harness.ledger.render import runs_by_trigger
from harness.ledger.sender import WebhookSender, is_loopback
from harness.ledger.settle import queues_empty as ledger_queues_empty
from harness.ledger.settle import settle
from harness.services.readiness import management_ready
from harness.session import Session
from harness.waiting import wait_for

FAULTS: dict[str, Fault] = {f.name: f for f in (WorkerKill(), BrokerRestart(), BrokerCrash(), ConnectionsClosed(),
                                                DatabaseRestart(), DatabaseUnreachable(), WebhookRestart(),
                                                *CLUSTER_FAULTS)}
ANSWER_WAIT_S = 60.0
# A fault of a schedule starts only once the target accepts webhooks again after the one before (or after
# this long, when the judge then reports it still refusing): each fault's recovery is judged on its own.
RECOVERY_WAIT_S = 60.0
BROKER_BACK_S = 60.0  # after a fault, for the harness's broker to answer its management API again


@dataclass
class ScenarioResult:
    scenario: Scenario
    plan: FaultPlan
    skipped: str | None = None
    not_injected: dict[str, str] = field(default_factory=dict)  # fault -> why this back-end cannot inject it
    events: list[dict[str, Any]] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)
    account: Account | None = None
    recovery: list[dict[str, Any]] = field(default_factory=list)
    runs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    load_s: float = 0.0
    waited_s: float = 0.0  # after the load, until the account was closed
    exited: dict[str, int] = field(default_factory=dict)  # the target's processes that ended meanwhile: exit codes


def unavailable(session: Session, scenario: Scenario) -> dict[str, str]:
    reasons = {name: FAULTS[name].unavailable(session) for name in scenario.faults}
    return {name: reason for name, reason in reasons.items() if reason}


def why_skip(session: Session, scenario: Scenario, reasons: dict[str, str]) -> str | None:
    url = session.target.webhook_url
    if url is None:
        return session.target.webhook_skip_reason or "the target has no webhook"
    if not is_loopback(url):
        return "the fault phase sends webhooks only to loopback addresses"
    if len(reasons) == len(scenario.faults):
        return "; ".join(f"{name}: {why}" for name, why in reasons.items())
    return None


def run_scenario(session: Session, scenario: Scenario, plan: FaultPlan) -> ScenarioResult:
    reasons = unavailable(session, scenario)
    skip = why_skip(session, scenario, reasons)
    if skip is not None:
        return ScenarioResult(scenario, plan, skipped=skip, not_injected=reasons)
    faults = [FAULTS[name] for name in scenario.faults if name not in reasons]
    assert session.target.webhook_url is not None
    sender = WebhookSender(session.target.webhook_url, session.delivery_secret,
                           session.config.contract.webhook.scheme, marker={"hang": plan.hang_s},
                           status_change_ratio=plan.status_change_ratio,
                           dialect=session.config.contract.webhook.dialect)
    context = FaultContext(session, sender, plan, scenario.name)
    since = time.time()
    try:
        load_end = drive(context, faults)
        sender.retry_unaccepted(plan.retry_rounds, plan.retry_delay_s)
        reader = EvidenceReader(session.tap, session.target.executions.refresh, session.results,
                                session.config.contract.dlq_queue, since)
        verdicts, evidence = settle(reader, sender.deliveries, plan.drain_s, lambda: queues_empty(session))
        if not management_ready(session.services.broker):  # unseen work is the harness's loss, not the target's
            raise ServiceUnavailable(f"the broker stopped answering during the {scenario.name} scenario, so its "
                                     "ledger is not judged")
    finally:
        sender.close()
    return ScenarioResult(scenario, plan, None, reasons, context.events, verdicts,
                          account(verdicts, evidence.unexpected),
                          recovery(context.events, sender.deliveries, verdicts, load_end),
                          runs_by_trigger(evidence), load_end - since, time.time() - load_end,
                          exited_processes(session))


def exited_processes(session: Session) -> dict[str, int]:
    """The target's processes (worker, webhook) that are no longer running, with their exit codes."""
    ended = {name: executor.process.poll() for name, executor in session.target.processes.items()
             if executor.process is not None}
    return {name: code for name, code in ended.items() if code is not None}


def drive(context: FaultContext, faults: list[Fault]) -> float:
    """The load, with each fault injected at its offset; returns when the load ended (epoch s)."""
    plan, sender = context.plan, context.sender
    sender.start(plan.rate_rps, MAX_LOAD_S)
    started = ended = time.monotonic()
    try:
        for offset, fault in zip(offsets(plan, len(faults)), faults, strict=True):
            pause(max(started + offset, ended + plan.gap_s if ended > started else 0.0) - time.monotonic())
            fault.inject(context)  # a fault that lasts longer delays the next: at least gap_s in between
            broker_back(context, fault.name)
            wait_until_accepting(sender, time.time(), RECOVERY_WAIT_S)
            ended = time.monotonic()
        pause(max(started + plan.seconds, ended + plan.gap_s) - time.monotonic())
    finally:
        sender.halt()
    load_end = time.time()
    sender.join(ANSWER_WAIT_S)
    return load_end


def broker_back(context: FaultContext, fault: str) -> None:
    """The broker answers again after ``fault``. A node that went down after its restart is started once more,
    and the timeline says so; one that does not come back stops the scenario (the harness's failure, which
    the ledger must not count as the target's losses)."""
    session = context.session
    if wait_for(lambda: management_ready(session.services.broker), BROKER_BACK_S, 0.5):
        return
    control = session.services.controls.broker
    if control is None:
        raise ServiceUnavailable(f"the broker did not answer again within {BROKER_BACK_S:g} s of {fault}")
    started = time.time()
    control.start()
    context.record(fault, started, "the broker node was down after the fault; the harness started it again")


def wait_until_accepting(sender: WebhookSender, since: float, timeout_s: float) -> None:
    wait_for(lambda: accepting_since(sender.deliveries, since), timeout_s, 0.2)


def queues_empty(session: Session) -> bool:
    """No message waits in a work queue; ``False`` when the broker does not answer."""
    return ledger_queues_empty(session.services.broker, session.config.contract.work_queues)
