"""junit.xml: one test case per check and subject, for CI test views."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from harness.findings import Finding
from harness.report.judged import NOT_JUDGED, SLO_CHECKS
from harness.report.model import CheckRecord, RunReport


def _case(record: CheckRecord, findings: list[Finding]) -> ET.Element:
    case = ET.Element("testcase", classname=record.id, name=record.subject, time=f"{record.duration_s:.3f}")
    if record.status == "failed":
        titles = "; ".join(f"[{f.severity}] {f.title}" for f in findings) or record.reason or "failed"
        failure = ET.SubElement(case, "failure", message=titles)
        failure.text = "\n\n".join(
            f"expected: {f.expected}\nobserved: {f.observed}\nreproduce: {f.reproduce}" for f in findings)
    elif record.status == "skipped":
        reason = record.reason or "skipped"
        ET.SubElement(case, "skipped", message=f"{NOT_JUDGED}: {reason}" if record.id in SLO_CHECKS else reason)
    elif record.status == "error":
        ET.SubElement(case, "error", message=record.reason or "error")
    return case


def _properties(report: RunReport) -> ET.Element:
    """The verdict as the terminal says it, and whether latency was judged (and why not)."""
    judged, note = report.latency_judgement()
    properties = ET.Element("properties")
    for name, value in (("verdict", report.headline), ("latency_judged", str(judged).lower()),
                        ("latency_note", note)):
        if value:
            ET.SubElement(properties, "property", name=name, value=value)
    return properties


def write_junit(report: RunReport, path: Path, redact: Callable[[str], str]) -> Path:
    suite = ET.Element("testsuite", name=f"harness[{report.target}]", tests=str(len(report.checks)),
                       failures=str(sum(c.status == "failed" for c in report.checks)),
                       errors=str(sum(c.status == "error" for c in report.checks)),
                       skipped=str(sum(c.status == "skipped" for c in report.checks)))
    suite.append(_properties(report))
    for record in report.checks:
        mine = [f for f in report.findings if f.check == record.id and f.subject == record.subject]
        mine = mine or [f for f in report.findings if f.check == record.id and record.status == "failed"]
        suite.append(_case(record, mine))
    text = ET.tostring(suite, encoding="unicode")
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n' + redact(text) + "\n", encoding="utf-8")
    return path
