"""``harness compare OLD NEW``: what changed between two runs (say main and the migration branch).

Exit codes: 0 no regression, 1 regression, 2 bad input (one line on stderr).

A regression is any of: a gating finding (severity at or above NEW's ``fail_at``) that OLD did not
have; a check that errors in NEW but did not in OLD; a latency regression.

Latency rule (webhook-to-queue p99, noise-aware):
- not compared when either run measured nothing;
- NEW crossing the SLO that OLD met is a regression, whatever the noise;
- otherwise p99 must move by more than the tolerance, both in µs (over ``ABS_TOLERANCE_US``) and
  relatively: ``REL_TOLERANCE`` plus ``1/sqrt(tail)``, where ``tail`` is the number of samples above
  p99 in the smaller run (a p99 from 1,000 samples rests on 10 values, so it may move ~32% by chance);
- when both runs measured the floor (the harness publishing straight to the exchange), p99/floor must
  move beyond the same relative tolerance too, so a slower machine, whose floor moved alike, is noise.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from harness.errors import HarnessError

EXIT_OK, EXIT_REGRESSION = 0, 1
SEVERITIES = ("low", "medium", "high", "critical")
REL_TOLERANCE = 0.20
ABS_TOLERANCE_US = 250.0


class CompareError(HarnessError):
    """A report to compare is missing or unreadable."""


def load_report(path: Path) -> dict[str, Any]:
    """A report.json, given as the file or as its run directory."""
    file = path / "report.json" if path.is_dir() else path
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CompareError(f"cannot read {file}: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CompareError(f"{file} is not a report.json: {exc}") from None
    if not isinstance(data, dict) or not {"verdict", "checks", "findings"} <= set(data):
        raise CompareError(f"{file} is not a harness report.json (no verdict, checks and findings)")
    return data


def finding_key(finding: dict[str, Any]) -> tuple[str, str, str]:
    return (str(finding.get("check")), str(finding.get("subject")), str(finding.get("title")))


def severity_rank(severity: Any) -> int:
    """0 for low up to 3 for critical; an unknown severity ranks as critical, to be safe."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES) - 1


def is_gating(finding: dict[str, Any], fail_at: str) -> bool:
    return severity_rank(finding.get("severity")) >= SEVERITIES.index(fail_at if fail_at in SEVERITIES else "high")


@dataclass
class LatencyChange:
    verdict: str  # "regression", "improvement", "within noise", "not measured"
    reason: str
    old_p99_us: float | None = None
    new_p99_us: float | None = None


def tolerance(old_count: int, new_count: int) -> float:
    tail = max(min(old_count, new_count) * 0.01, 1.0)
    return REL_TOLERANCE + 1.0 / math.sqrt(tail)


def _p99_and_count(report: dict[str, Any]) -> tuple[float | None, int, float | None]:
    latency = report.get("latency") or {}
    measured = latency.get("webhook_to_queue_us") or {}
    floor = (latency.get("floor_publish_to_queue_us") or {}).get("p99")
    p99 = measured.get("p99")
    count = int(measured.get("count") or 0)
    return (float(p99) if p99 is not None and count else None), count, (float(floor) if floor else None)


def latency_change(old: dict[str, Any], new: dict[str, Any]) -> LatencyChange:
    (o99, o_count, o_floor), (n99, n_count, n_floor) = _p99_and_count(old), _p99_and_count(new)
    if o99 is None or n99 is None or o99 <= 0:
        return LatencyChange("not measured", "no load phase measured latency in both runs", o99, n99)
    slo_us = float((new.get("latency") or {}).get("slo_p99_ms") or 0) * 1000
    if slo_us and n99 > slo_us >= o99:
        return LatencyChange("regression", f"p99 now exceeds the SLO of {slo_us / 1000:g} ms", o99, n99)
    tol = tolerance(o_count, n_count)
    change = (n99 - o99) / o99
    floor_change = (n99 / n_floor) / (o99 / o_floor) - 1 if o_floor and n_floor else None
    beyond = abs(change) > tol and abs(n99 - o99) > ABS_TOLERANCE_US
    if beyond and (floor_change is None or (abs(floor_change) > tol and floor_change * change > 0)):
        verdict = "regression" if change > 0 else "improvement"
        return LatencyChange(verdict, f"p99 {change:+.0%}, beyond ±{tol:.0%}", o99, n99)
    why = "the floor moved alike" if beyond else f"within ±{tol:.0%} and {ABS_TOLERANCE_US:g} µs"
    return LatencyChange("within noise", f"p99 {change:+.0%}: {why}", o99, n99)


@dataclass
class Comparison:
    old: dict[str, Any]
    new: dict[str, Any]
    new_findings: list[dict[str, Any]] = field(default_factory=list)
    fixed_findings: list[dict[str, Any]] = field(default_factory=list)
    new_errors: list[dict[str, Any]] = field(default_factory=list)
    latency: LatencyChange = field(default_factory=lambda: LatencyChange("not measured", ""))

    @property
    def fail_at(self) -> str:
        return str(self.new.get("fail_at") or "high")

    def regressions(self) -> list[str]:
        gating = [f for f in self.new_findings if is_gating(f, self.fail_at)]
        reasons = [f"{len(gating)} new gating findings"] if gating else []
        reasons += [f"{len(self.new_errors)} checks now error"] if self.new_errors else []
        reasons += [f"latency: {self.latency.reason}"] if self.latency.verdict == "regression" else []
        return reasons


def compare(old: dict[str, Any], new: dict[str, Any]) -> Comparison:
    old_keys = {finding_key(f) for f in old["findings"]}
    new_keys = {finding_key(f) for f in new["findings"]}
    erroring = {(c.get("id"), c.get("subject")) for c in old["checks"] if c.get("status") == "error"}
    return Comparison(
        old, new,
        new_findings=_unique([f for f in new["findings"] if finding_key(f) not in old_keys]),
        fixed_findings=_unique([f for f in old["findings"] if finding_key(f) not in new_keys]),
        new_errors=[c for c in new["checks"] if c.get("status") == "error"
                    and (c.get("id"), c.get("subject")) not in erroring],
        latency=latency_change(old, new))


def _unique(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[tuple[str, str, str], dict[str, Any]] = {}
    for finding in findings:
        seen.setdefault(finding_key(finding), finding)
    return sorted(seen.values(), key=lambda f: -severity_rank(f.get("severity")))


def _describe(report: dict[str, Any]) -> str:
    return f"{report.get('target', '?')} ({report.get('verdict')}, run {report.get('run_id') or '?'})"


def _ms(value_us: float | None) -> str:
    return "—" if value_us is None else f"{value_us / 1000:.3f} ms"


def render(result: Comparison) -> list[str]:
    lines = [f"old {_describe(result.old)} → new {_describe(result.new)}"]
    for title, mark, findings in (("new findings", "+", result.new_findings),
                                  ("fixed findings", "-", result.fixed_findings)):
        lines.append(f"{title} ({len(findings)}):")
        lines += [f"  {mark} [{f.get('severity')}] {f.get('subject')}: {f.get('title')} ({f.get('check')})"
                  for f in findings]
    lines += [f"  ! {c.get('id')} {c.get('subject')}: now errors ({c.get('reason', '')})" for c in result.new_errors]
    change = result.latency
    lines.append(f"latency p99 {_ms(change.old_p99_us)} → {_ms(change.new_p99_us)}: {change.verdict}"
                 + (f" ({change.reason})" if change.reason else ""))
    reasons = result.regressions()
    lines.append(f"verdict: regression ({'; '.join(reasons)})" if reasons else "verdict: no regression")
    return lines


def run_compare(old_path: Path, new_path: Path, out: TextIO) -> int:
    result = compare(load_report(old_path), load_report(new_path))
    out.write("\n".join(render(result)) + "\n")
    return EXIT_REGRESSION if result.regressions() else EXIT_OK
