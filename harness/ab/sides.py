"""Each check's outcome on each broker, and the findings for behaviour that changes between them.

Works on report dicts (``RunReport.to_dict()``), so a comparison can be rebuilt from report.json files.
``origin`` is the broker the migration leaves (Redis), ``destination`` the one it moves to (RabbitMQ): a
check that passed on the origin and fails on the destination is a regression the migration brings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.ab.explain import explanation
from harness.findings import NOT_APPLICABLE, Finding, Severity

CHANGE_CHECK = "ab.behaviour_changes_with_broker"
SAME, REGRESSION, IMPROVEMENT, ONE_SIDED = "same", "regression", "improvement", "one-sided"


@dataclass(frozen=True)
class Outcome:
    status: str  # passed | failed | error | skipped | n/a | absent
    reason: str = ""
    findings: tuple[dict[str, Any], ...] = ()


@dataclass
class Row:
    check: str
    subject: str
    outcomes: dict[str, Outcome] = field(default_factory=dict)

    def change(self, origin: str, destination: str) -> str:
        before, after = self.outcomes[origin].status, self.outcomes[destination].status
        if "n/a" in (before, after) or "absent" in (before, after) or "skipped" in (before, after):
            return ONE_SIDED if before != after else SAME
        if before == after:
            return SAME
        return REGRESSION if before == "passed" else IMPROVEMENT if after == "passed" else SAME

    def to_dict(self, origin: str, destination: str) -> dict[str, Any]:
        return {"id": self.check, "subject": self.subject, "change": self.change(origin, destination),
                "outcomes": {b: {"status": o.status, "reason": o.reason,
                                 "findings": [f.get("title", "") for f in o.findings]}
                             for b, o in self.outcomes.items()}}


def outcome_of(check: dict[str, Any], findings: list[dict[str, Any]], single: bool) -> Outcome:
    """``single``: the only check with this id in its report, so every finding of the id is its own."""
    reason = str(check.get("reason") or "")
    status = "n/a" if check["status"] == "skipped" and reason.startswith(NOT_APPLICABLE) else check["status"]
    own = tuple(f for f in findings if f.get("check") == check["id"] and (single or _same_subject(f, check)))
    return Outcome(status, reason, own)


def _same_subject(finding: dict[str, Any], check: dict[str, Any]) -> bool:
    subject, found = str(check.get("subject", "")), str(finding.get("subject", ""))
    return found == subject or found.endswith(f"({subject})")


def side_by_side(reports: Mapping[str, dict[str, Any]]) -> list[Row]:
    """One row per (check, subject) seen on any broker, in the order the checks ran."""
    rows: dict[tuple[str, str], Row] = {}
    for broker, report in reports.items():
        checks = report.get("checks", [])
        per_id = Counter(c["id"] for c in checks)
        for check in checks:
            row = rows.setdefault((check["id"], check["subject"]), Row(check["id"], check["subject"]))
            row.outcomes[broker] = outcome_of(check, report.get("findings", []), per_id[check["id"]] == 1)
    for row in rows.values():
        for broker in reports:
            row.outcomes.setdefault(broker, Outcome("absent", "this check did not run on this broker"))
    return list(rows.values())


def behaviour_changes(rows: list[Row], origin: str, destination: str,
                      reproduce: str) -> list[tuple[str, Finding]]:
    """(regression or improvement, its finding) for every check that passes on one broker and fails on the
    other."""
    found = []
    for row in rows:
        change = row.change(origin, destination)
        if change in (REGRESSION, IMPROVEMENT):
            found.append((change, _change_finding(row, change, origin, destination, reproduce)))
    return found


def _change_finding(row: Row, change: str, origin: str, destination: str, reproduce: str) -> Finding:
    failing = destination if change == REGRESSION else origin
    side = row.outcomes[failing]
    titles = "; ".join(str(f.get("title", "")) for f in side.findings) or side.reason or side.status
    severity = max((Severity.parse(str(f.get("severity", "low"))) for f in side.findings), default=Severity.MEDIUM)
    why = explanation(row.check) or "see each broker's own finding for this check"
    passing = origin if failing == destination else destination
    return Finding(
        CHANGE_CHECK, f"{row.check} [{row.subject}]", severity if change == REGRESSION else Severity.LOW,
        f"{row.check} passes on {passing} but fails on {failing}",
        "the same outcome on both brokers: the migration changes the broker, not the behaviour",
        f"{passing}: passed; {failing}: {side.status} ({titles}). Why it differs: {why}",
        reproduce)
