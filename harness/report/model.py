"""The run report: checks, findings, latency and services, with the gate's verdict.

Sections filled by phases other than the checks, and the shapes the report writers expect. Every
section may be absent (``None`` or empty); the HTML report then says which phase did not run.
Times on a chart's x axis are unix epoch seconds (floats) unless a key says ``_s`` relative.
``verdict`` is pass | fail; ``latency_judged`` (bool) and ``latency_note`` (why not, else None) say
whether the latency SLO was judged (``harness.report.judged``): a run that was not never shows a plain pass.

``latency`` (the load phase; DESIGN.md's stable keys first, then optional extras)::

    {"webhook_to_queue_us": {"count", "p50", "p95", "p99", "max"},
     "floor_publish_to_queue_us": {"p50", "p99"}, "rate_rps": float, "slo_p99_ms": float,
     "hdr": "<base64 HdrHistogram>" | ["<base64>", ...],   # optional, merged; µs values
     "histogram": [[value_us, count], ...],                  # optional; used when "hdr" is absent
     "series": [[t, p50_us, p99_us], ...]}                   # optional; t epoch s, or s since load start

``timeline`` (the management-API sampler, ``harness.probes.sampler``; one dict per ~1 s sample)::

    {"t": epoch_s, "queues": {name: {"messages", "ready", "unacked", "consumers",
                                     "publish_rps", "deliver_rps"}},
     "connections": int, "consumers": int, "memory_bytes": int | None,
     "publish_rps": float, "deliver_rps": float, "ack_rps": float}

``causes`` (``harness.report.causes``): the findings grouped by root cause, the worst first::

    [{"title", "severity", "check", "subject", "related": [{"check", "subject", "title"}, ...]}, ...]

``reliability`` (the message ledgers: each fault scenario's, with what was done to the system and when; the load's)::

    {"ledger": {"sent", "accepted", "rejected", "completed", "failed", "dead_lettered", "lost",
                "duplicated", "completed_twice", "unexpected"},          # ints, summed over the scenarios
     "faults": [{"t": epoch_s, "end": epoch_s | None, "kind": "worker_kill", "detail": "...",
                 "scenario": "worker_kill"}],
     "scenarios": [{"name": "worker_kill", "faults": [...], "skipped": str | None, "not_injected": {fault: why},
                    "rate_rps": float, "load_s": float, "waited_s": float,
                    "account": {...the ledger's keys..., "retried", "reached_queue", "unroutable",
                                "examples": {"lost": [triggerUuid, ...], ...}},
                    "recovery": [{"kind", "t", "end", "accepts_again_s": float | None, "drain_s": float | None}],
                    "records": "ledger/worker_kill.jsonl" | None}],            # harness.faults.judge
     "load": {"name": "load", "rate_rps": float, "waited_s": float, "account": {...as above...},
              "records": "ledger/load.jsonl"}}                           # the load phase: harness.load.phase_ledger
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harness.findings import Finding, Severity
from harness.report.causes import group_causes
from harness.report.judged import headline, latency_judgement

STATUSES = ("passed", "failed", "skipped", "error")


@dataclass(frozen=True)
class CheckRecord:
    id: str
    subject: str
    status: str
    duration_s: float
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "subject": self.subject, "status": self.status,
                                "duration_s": round(self.duration_s, 3)}
        if self.reason:
            data["reason"] = self.reason
        return data


def empty_latency(slo_p99_ms: float) -> dict[str, Any]:
    """The latency section before any load phase ran: stable keys, no invented figures."""
    none = {"count": 0, "p50": None, "p95": None, "p99": None, "max": None}
    return {"webhook_to_queue_us": none, "floor_publish_to_queue_us": {"p50": None, "p99": None},
            "rate_rps": 0, "slo_p99_ms": slo_p99_ms}


@dataclass
class RunReport:
    target: str
    fail_at: Severity
    slo_p99_ms: float
    run_id: str = ""
    checks: list[CheckRecord] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    services: dict[str, str] = field(default_factory=dict)
    latency: dict[str, Any] | None = None
    target_runtime: dict[str, str] = field(default_factory=dict)
    timeline: list[dict[str, Any]] = field(default_factory=list)
    reliability: dict[str, Any] | None = None

    def add(self, record: CheckRecord, findings: tuple[Finding, ...] = ()) -> None:
        self.checks.append(record)
        self.findings.extend(findings)

    def gating_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity >= self.fail_at]

    @property
    def verdict(self) -> str:
        broken = any(c.status == "error" for c in self.checks)
        return "fail" if broken or self.gating_findings() else "pass"

    def latency_judgement(self) -> tuple[bool, str]:
        """(judged, why not): see ``harness.report.judged``."""
        return latency_judgement([c.to_dict() for c in self.checks], self.latency)

    @property
    def headline(self) -> str:
        """The verdict as people read it: ``pass``, or ``pass (latency not judged: <why>)``."""
        return headline(self.verdict, *self.latency_judgement())

    def to_dict(self) -> dict[str, Any]:
        findings = sorted(self.findings, key=lambda f: (-f.severity, f.check, f.subject))
        judged, note = self.latency_judgement()
        return {
            "target": self.target,
            "verdict": self.verdict,
            "latency_judged": judged,
            "latency_note": note or None,
            "run_id": self.run_id,
            "checks": [c.to_dict() for c in self.checks],
            "findings": [f.to_dict() for f in findings],
            "causes": [cause.to_dict() for cause in group_causes(findings)],
            "latency": self.latency or empty_latency(self.slo_p99_ms),
            "services": dict(self.services),
            "target_runtime": dict(self.target_runtime),
            "fail_at": str(self.fail_at),
            "timeline": list(self.timeline),
            "reliability": self.reliability,
        }
