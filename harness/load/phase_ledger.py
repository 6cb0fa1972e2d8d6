"""The load phase's message ledger: every webhook Locust sent, and what became of its work.

Locust writes each send's ``triggerUuid`` and HTTP answer (``--sends-log``, :mod:`harness.load.generator.sendlog`).
Once it has finished, the session's own tap (arrivals), the worker probes' log (runs) and
``celery_taskmeta`` / the DLQ (how the work ended) are read through :class:`~harness.ledger.evidence.EvidenceReader`,
until the work has ended (bounded, :func:`~harness.ledger.settle.settle`), and judged like a fault
scenario: accepted, rejected, completed, dead-lettered, failed, lost, duplicated, unexpected. The account
goes to report.json ``reliability.load`` and the records to ``ledger/load.jsonl``; a lost webhook fails
the check ``ledger.no_loss_under_load`` (critical). The floor's own publishes are left out.

When no accepted webhook left any trace, they are ``ignored``, not lost (``ledger.account.with_ignored``):
the check then carries the one "accepted but ignored" finding, unless the run already has it (from
``routing.webhook_enqueues_to_queue``), in which case it is skipped with that reason.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.findings import IGNORED, Finding, Severity, ignored_finding
from harness.ledger.account import Account, Verdict, account
from harness.ledger.evidence import EvidenceReader
from harness.ledger.render import account_line, runs_by_trigger, write_records
from harness.ledger.settle import queues_empty, settle
from harness.load.generator.sendlog import read_sends
from harness.report.model import CheckRecord, RunReport
from harness.session import Session

CHECK = "ledger.no_loss_under_load"
SENDS_FILE = "sends.jsonl"
RECORDS = "ledger/load.jsonl"
DRAIN_S = 20.0  # after Locust ends, how long accepted work may take (longer while a backlog still drains)


@dataclass(frozen=True)
class LoadLedger:
    verdicts: list[Verdict]
    account: Account
    waited_s: float

    def entry(self, rate_rps: float) -> dict[str, Any]:
        """report.json ``reliability.load``."""
        return {"name": "load", "rate_rps": rate_rps, "waited_s": round(self.waited_s, 1),
                "account": self.account.to_dict(), "records": RECORDS}


def gather(session: Session, run_dir: Path, since: float) -> LoadLedger | None:
    """The ledger of the sends Locust logged in ``run_dir`` (``None`` when it logged none), once their work
    has ended or nothing more happens; its records are written to ``ledger/load.jsonl``."""
    path = run_dir / SENDS_FILE
    deliveries, harness_prefixes = read_sends(path) if path.is_file() else ([], ())
    if not deliveries:
        return None
    contract, started = session.config.contract, time.monotonic()
    reader = EvidenceReader(session.tap, session.target.executions.refresh, session.results, contract.dlq_queue,
                            since, harness_prefixes)
    verdicts, evidence = settle(reader, deliveries, DRAIN_S,
                                lambda: queues_empty(session.services.broker, contract.work_queues))
    write_records(run_dir / RECORDS, verdicts, runs_by_trigger(evidence))
    return LoadLedger(verdicts, account(verdicts, evidence.unexpected), time.monotonic() - started)


def lost_finding(ledger: LoadLedger, subject: str, rate_rps: float, reproduce: str) -> Finding | None:
    acc = ledger.account
    if not acc.lost:
        return None
    lost = [v for v in ledger.verdicts if v.outcome == "lost"]
    queued = sum(v.reached_queue is not None for v in lost)
    return Finding(
        CHECK, subject, Severity.CRITICAL, f"{acc.lost} of {acc.accepted} accepted webhooks lost under load",
        expected=f"every accepted webhook at {rate_rps:g} webhooks/s ends with a final row in celery_taskmeta "
                 "or a message in the DLQ",
        observed=f"{acc.lost} accepted webhooks have neither {ledger.waited_s:.0f} s after the load, when nothing "
                 f"more was happening ({queued} of them reached a queue, {sum(v.unroutable for v in lost)} "
                 f"were unroutable); lost, for example (triggerUuid): {', '.join(acc.examples.get('lost', []))}",
        reproduce=reproduce)


def ignored_record(report: RunReport, ledger: LoadLedger, subject: str, dialect: str,
                   reproduce: str) -> tuple[CheckRecord, tuple[Finding, ...]]:
    """The check when every accepted webhook was ignored: the one finding, or a skip if the run has it already."""
    acc, line = ledger.account, account_line(ledger.account.to_dict())
    if any(f.title.startswith(IGNORED) for f in report.findings):
        return CheckRecord(CHECK, subject, "skipped", ledger.waited_s, f"{IGNORED} (reported already): {line}"), ()
    observed = (f"{acc.ignored} webhooks were answered 2xx and none left a message, a task run or a dead letter "
                f"{ledger.waited_s:.0f} s after the load; for example (triggerUuid): "
                f"{', '.join(acc.examples.get('ignored', []))}")
    finding = ignored_finding(CHECK, subject, acc.ignored, dialect, observed, reproduce)
    return CheckRecord(CHECK, subject, "failed", ledger.waited_s, line), (finding,)


def add_load_ledger(report: RunReport, session: Session, run_dir: Path, since: float, rate_rps: float,
                    reproduce: str) -> None:
    """The ledger's account to ``report.reliability["load"]``, and its check (with a finding for losses)."""
    subject = "POST " + session.config.contract.webhook.path
    ledger = gather(session, run_dir, since)
    if ledger is None:
        report.add(CheckRecord(CHECK, subject, "skipped", 0.0, "the load generator logged no sends"))
        return
    report.reliability = {**(report.reliability or {}), "load": ledger.entry(rate_rps)}
    if ledger.account.ignored:
        report.add(*ignored_record(report, ledger, subject, session.config.contract.webhook.dialect, reproduce))
        return
    finding = lost_finding(ledger, subject, rate_rps, reproduce)
    report.add(CheckRecord(CHECK, subject, "failed" if finding else "passed", ledger.waited_s,
                           account_line(ledger.account.to_dict())), (finding,) if finding else ())
