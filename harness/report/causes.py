"""One root cause, one headline: findings that come from the same defect are grouped under the worst of them.

A task whose routing key reaches no queue is reported by the static routing check, the live one, and the
result check that then misses its row; a queue without ``x-max-priority`` by the topology check on each
queue and by the live priority order. Findings belong together when they name the same task or queue,
come from the same check saying the same thing of several subjects, or come from two checks that look at
one property from two sides
(:data:`SAME_PROPERTY`). Every finding stays in the report as it is; the groups only order the reading
(and the exit code does not change).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from harness.findings import Finding

# Checks that report one property from two sides: a finding of one is usually the other's cause or effect.
SAME_PROPERTY = (
    ("topology.max_priority_covers_priorities", "priority.backlog_consumed_highest_first"),
    ("security.oversized_body_refused_early", "security.declared_oversize_refused_before_body"),
    ("security.malformed_body_refused", "security.fuzzed_requests_never_5xx"),
    ("security.unsigned_delivery_refused", "security.forged_signature_refused"),
    ("security.unsigned_delivery_refused", "security.fuzzed_requests_never_enqueue_unverified"),
    ("topology.dead_letter_path_declared", "dead_letters.dead_letters_after_max_retries"),
    ("dead_letters.dlq_has_no_consumer", "dead_letters.dead_letters_after_max_retries"),
    ("latency.webhooks_reach_queue", "ledger.no_loss_under_load"),
)
# Subjects too general to tie two findings together (every webhook check names the endpoint).
GENERAL_SUBJECTS = ("POST ", "vhost", "all tasks", "target")


@dataclass(frozen=True)
class Cause:
    """A lead finding (the worst of its group) and the findings it explains."""

    lead: Finding
    related: tuple[Finding, ...]

    def to_dict(self) -> dict[str, object]:
        return {"title": self.lead.title, "severity": str(self.lead.severity), "check": self.lead.check,
                "subject": self.lead.subject,
                "related": [{"check": f.check, "subject": f.subject, "title": f.title} for f in self.related]}


def subjects_of(finding: Finding) -> set[str]:
    """The task and queue names a finding is about (``a, b`` lists several; the endpoint is too general)."""
    names = {part.strip() for part in finding.subject.split(",")}
    return {name for name in names if name and not name.startswith(GENERAL_SUBJECTS)}


def shape(finding: Finding) -> str:
    """The title with the finding's own subjects blanked: "queue * ignores message priorities"."""
    title = finding.title
    for name in sorted(subjects_of(finding), key=len, reverse=True):
        title = title.replace(name, "*")
    return title


def related(a: Finding, b: Finding) -> bool:
    """Same task or queue; the same check saying the same thing of several; or one property from two sides."""
    return ((a.check == b.check and shape(a) == shape(b)) or bool(subjects_of(a) & subjects_of(b))
            or (a.check, b.check) in SAME_PROPERTY or (b.check, a.check) in SAME_PROPERTY)


def group_causes(findings: Sequence[Finding]) -> list[Cause]:
    """Groups of related findings (connected through :func:`related`), the worst first, each led by its worst
    finding (the earlier one on a tie: checks run static before live). A finding about several tasks joins
    the worst group it relates to, and never joins two defects into one."""
    single = [f for f in findings if len(subjects_of(f)) <= 1]
    groups = _connected(single)
    for finding in (f for f in findings if len(subjects_of(f)) > 1):
        ranked = sorted(groups, key=lambda g: _rank(g, findings))
        home = next((g for g in ranked if any(related(finding, f) for f in g)), None)
        if home is None:
            groups.append([finding])
        else:
            home.append(finding)
    causes = [Cause(lead, tuple(f for f in group if f is not lead))
              for group in groups for lead in [min(group, key=lambda f: (-f.severity, findings.index(f)))]]
    return sorted(causes, key=lambda c: (-c.lead.severity, findings.index(c.lead)))


def _rank(group: list[Finding], findings: Sequence[Finding]) -> tuple[int, int]:
    worst = min(group, key=lambda f: (-f.severity, findings.index(f)))
    return -worst.severity, findings.index(worst)


def _connected(findings: list[Finding]) -> list[list[Finding]]:
    parent = list(range(len(findings)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(findings):
        for j in range(i + 1, len(findings)):
            if related(a, findings[j]):
                parent[root(j)] = root(i)
    groups: dict[int, list[Finding]] = {}
    for i, finding in enumerate(findings):
        groups.setdefault(root(i), []).append(finding)
    return list(groups.values())


def cause_lines(causes: Iterable[Cause]) -> list[str]:
    """The terminal's summary: one line per cause, the checks it explains indented under it."""
    lines = []
    for cause in causes:
        lines.append(f"[{cause.lead.severity}] {cause.lead.subject}: {cause.lead.title}")
        lines += [f"    also {f.check} ({f.subject}): {f.title}" for f in cause.related]
    return lines
