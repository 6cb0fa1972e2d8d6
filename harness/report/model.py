"""The run report: checks, findings, latency and services, with the gate's verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harness.findings import Finding, Severity

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

    def add(self, record: CheckRecord, findings: tuple[Finding, ...] = ()) -> None:
        self.checks.append(record)
        self.findings.extend(findings)

    def gating_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity >= self.fail_at]

    @property
    def verdict(self) -> str:
        broken = any(c.status == "error" for c in self.checks)
        return "fail" if broken or self.gating_findings() else "pass"

    def to_dict(self) -> dict[str, Any]:
        findings = sorted(self.findings, key=lambda f: (-f.severity, f.check, f.subject))
        return {
            "target": self.target,
            "verdict": self.verdict,
            "run_id": self.run_id,
            "checks": [c.to_dict() for c in self.checks],
            "findings": [f.to_dict() for f in findings],
            "latency": self.latency or empty_latency(self.slo_p99_ms),
            "services": dict(self.services),
            "target_runtime": dict(self.target_runtime),
        }
