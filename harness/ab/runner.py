"""``harness ab``: one gate per broker on servers started once, then the comparison report.

RabbitMQ and PostgreSQL are provisioned once; each broker's gate gets its own vhost and database (and
the Redis side its own Redis). Both gates run the same target, checks, load plan and rate. Unless the
target is ``reference`` (or ``--no-capability``), ``reference`` then runs on both brokers too, for the
capability answers (``harness.ab.capability`` says why), and the TTL and dead-letter probe runs on each
broker (``harness.ab.probe``, a few seconds). The comparison goes to ``reports/<run>/report.json`` (its
``ab`` section) and ``report.html``; each broker's own report sits beside it in ``reports/<run>/<broker>/``,
the capability run's in ``reports/<run>/capability/<broker>/``.
"""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from harness.ab.capability import AUTO, SKIP, compares_reference, read_capability, run_capability, runs_of
from harness.ab.claims import Capability, Evidence, claims_table
from harness.ab.clustering import latest_cluster_runs
from harness.ab.probe import measure
from harness.ab.sides import REGRESSION, behaviour_changes, side_by_side
from harness.config import HarnessConfig, with_run
from harness.errors import HarnessError
from harness.findings import Severity
from harness.gate import gate_run
from harness.report import RunReport, point_latest
from harness.report.ab_html import write_ab_html
from harness.report.json_report import write_dict
from harness.services import provide
from harness.session import new_run_id

ORIGIN, DESTINATION = "redis", "rabbitmq"
BROKERS = (ORIGIN, DESTINATION)
EXIT_PASS, EXIT_FAIL = 0, 1


def parse_brokers(text: str) -> tuple[str, str]:
    brokers = tuple(b.strip() for b in text.split(",") if b.strip())
    if sorted(brokers) != sorted((ORIGIN, DESTINATION)):
        raise HarnessError(f"--brokers must name redis and rabbitmq once each, not {text!r}")
    return ORIGIN, DESTINATION


def run_ab(config: HarnessConfig, extra: list[str], inherited_env: Mapping[str, str],
           capability: str = AUTO) -> int:
    """``capability``: auto (run ``reference`` on both brokers unless it is the target), skip, or a directory
    holding an earlier run's reference reports."""
    ab_id = new_run_id()
    ab_dir = config.run.report_dir / ab_id
    reports: dict[str, RunReport] = {}
    earlier = read_capability(Path(capability), BROKERS) if capability not in (AUTO, SKIP) else None
    with provide(config.services, run_id=ab_id) as servers:
        for broker in BROKERS:
            side = with_run(config, broker=broker)
            code, reports[broker] = gate_run(side, extra, inherited_env, f"{ab_id}-{broker}", ab_dir / broker,
                                             provided=servers, latest=False)
            if code not in (0, 1) or not reports[broker].checks:
                raise HarnessError(f"the {broker} gate could not run (pytest exit code {code})")
        probe = measure(servers, config.services.backend, config.services.redis_url, f"{ab_id}-probe")
        if capability == AUTO and not compares_reference(config):
            earlier = run_capability(config, BROKERS, inherited_env, ab_id, ab_dir, servers)
    written = {b: json.loads((ab_dir / b / "report.json").read_text(encoding="utf-8")) for b in reports}
    answers = earlier or capability_of(config, written, capability)
    comparison = compare(written, reproduce_line(config), answers, probe,  # from the reports as written
                         latest_cluster_runs(config.run.report_dir))
    comparison["ab"]["capability"]["runs"] = runs_of(answers, ab_dir, config)
    write_dict(comparison, ab_dir / "report.json")
    write_ab_html(comparison, ab_dir / "report.html")
    point_latest(ab_dir)
    print_summary(comparison, ab_dir)
    return EXIT_PASS if comparison["verdict"] == "pass" else EXIT_FAIL


def capability_of(config: HarnessConfig, written: Mapping[str, dict[str, Any]], capability: str) -> Capability:
    """The capability answers when no reference run was made for them: the compared run's, or none."""
    if compares_reference(config):
        return Capability.of(written, "the compared run (its target is reference)")
    return Capability(source="no capability run (--no-capability)" if capability == SKIP else "no capability run")


def compare(reports: Mapping[str, dict[str, Any]], reproduce: str, capability: Capability | None = None,
            probe: dict[str, Any] | None = None,
            cluster_runs: Mapping[str, tuple[Path, dict[str, Any]]] | None = None) -> dict[str, Any]:
    """The comparison report: outcomes side by side, behaviour changes, latency, the document's claims."""
    capability = capability or Capability()
    rows = side_by_side(reports)
    changes = behaviour_changes(rows, ORIGIN, DESTINATION, reproduce)
    destination = reports[DESTINATION]
    fail_at = Severity.parse(str(destination.get("fail_at", "high")))
    regressions = [f for change, f in changes if change == REGRESSION and f.severity >= fail_at]
    fails = destination.get("verdict") == "fail" or bool(regressions)
    return {
        "target": destination.get("target"), "verdict": "fail" if fails else "pass",
        "findings": [f.to_dict() for _, f in changes],
        "ab": {"brokers": [ORIGIN, DESTINATION],
               "verdicts": {b: r.get("verdict") for b, r in reports.items()},
               "runs": {b: f"{b}/report.json" for b in reports},
               "checks": [row.to_dict(ORIGIN, DESTINATION) for row in rows],
               "latency": {b: r.get("latency") for b, r in reports.items()},
               "claims": claims_table(Evidence(reports, rows, BROKERS, capability, probe, cluster_runs or {})),
               "capability": {"source": capability.source, "runs": {},
                              "verdicts": {b: r.get("verdict") for b, r in (capability.reports or {}).items()}},
               "probe": probe,
               "services": {b: r.get("services") for b, r in reports.items()},
               "runtime": {b: r.get("target_runtime") for b, r in reports.items()}},
    }


def reproduce_line(config: HarnessConfig) -> str:
    run = config.run
    parts = ["harness", "ab", "--target", shlex.quote(run.target), "--services", config.services.backend]
    parts += ["--target-python", shlex.quote(run.target_python)] if run.target_python else []
    return " ".join(parts + (["--quick"] if run.quick else []) + ([] if run.load else ["--no-load"]))


def print_summary(comparison: dict[str, Any], ab_dir: Path) -> None:
    out = sys.stderr
    verdicts = comparison["ab"]["verdicts"]
    print(f"harness ab: redis {verdicts.get(ORIGIN)}, rabbitmq {verdicts.get(DESTINATION)}; "
          f"{len(comparison['findings'])} behaviour change(s)", file=out)
    for finding in comparison["findings"]:
        print(f"    [{finding['severity']}] {finding['subject']}: {finding['title']}", file=out)
    for claim in comparison["ab"]["claims"]:
        print(f"    claim {claim['criterion']}: {claim['verdict']}", file=out)
        for question, label in (("capability", "capability"), ("configured", "as configured")):
            answer = claim[question]
            print(f"        {label}: {answer['verdict']} (winner {answer['winner'] or '-'}): {answer['evidence']}",
                  file=out)
    print(f"harness ab: verdict {comparison['verdict']}; report {ab_dir / 'report.json'}", file=out)
