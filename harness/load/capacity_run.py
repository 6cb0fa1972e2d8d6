"""``harness capacity`` and ``make bench``: the ladder of ``capacity`` climbed against a session's target.

Every step is a load window of its own (a fresh Locust, its own tap and floor, consumers placed as the
run's load topology says), written to ``<folder>/<path>/<rate>/``. What the steps enqueue is purged from
the run's queues after each one: this measures the webhook-to-broker path, not the work (``harness run``'s
load ledger checks the work). The floor's climb sends no webhooks: only the floor publisher, at each rate.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from harness.config import HarnessConfig
from harness.load.phase import LoadPlan, run_locust
from harness.load.stats.capacity import (
    HEADER,
    Climb,
    Ladder,
    Step,
    as_json,
    capacity_line,
    floor_stop,
    step_line,
    webhook_stop,
)
from harness.load.topology import measured_topology
from harness.report.charts_capacity import capacity_page
from harness.session import Session, new_run_id, open_session

WARMUP_S = 2.0
FLOOR_ONLY_RPS = 1.0  # the floor's climb: one webhook/s keeps the load phase's machinery as it is


def users_for(rate_rps: float) -> int:
    return max(20, int(rate_rps // 10))


def measured_step(session: Session, locustfile: Path, folder: Path, rate_rps: float, seconds: float,
                  floor_rps: float | None = None) -> dict[str, Any]:
    """One window at ``rate_rps`` (or, with ``floor_rps``, the floor publisher alone at that rate)."""
    folder.mkdir(parents=True, exist_ok=True)
    plan = LoadPlan(rate_rps=rate_rps, seconds=seconds, warmup_s=WARMUP_S, users=users_for(rate_rps))
    extra = ["--floor-rate", f"{floor_rps:g}"] if floor_rps is not None else []
    code, output = run_locust(session, plan, locustfile, folder, extra=extra)
    (folder / "locust.log").write_text(session.redactor(output), encoding="utf-8")
    path = folder / "latency.json"
    summary: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    summary["locust_exit_code"] = code
    return summary


def purge_queues(session: Session) -> None:
    """Empty the run's work queues (not the exclusive ones of Celery's remote control and the taps)."""
    for queue in session.api.queues(session.vhost):
        if not queue.get("exclusive") and not queue.get("auto_delete"):
            session.api.purge(session.vhost, str(queue["name"]))


def climb(path: str, ladder: Ladder, slo_ms: float, measure: Callable[[float], dict[str, Any]],
          stop: Callable[[dict[str, Any]], str | None], say: Callable[[str], None]) -> Climb:
    result = Climb(path)
    say(f"{path} path, SLO p99 <= {slo_ms:g} ms:\n{HEADER}")
    def step_at(rate: float) -> Step:
        summary = measure(rate)
        step = Step(rate, summary, stop(summary) if "failures" in summary else "Locust wrote no figures")
        result.steps.append(step)
        say(step_line(step, path))
        return step

    for rate in ladder.rates():
        if step_at(rate).stop is not None:
            break
    for _ in range(ladder.refine):
        refined = result.next_refinement(ladder)
        if refined is None:
            break
        step_at(refined)
    return result


def climb_webhook(session: Session, locustfile: Path, ladder: Ladder, folder: Path,
                  say: Callable[[str], None]) -> Climb:
    def measure(rate: float) -> dict[str, Any]:
        try:
            return measured_step(session, locustfile, folder / "webhook" / f"{rate:g}", rate, ladder.step_s)
        finally:
            purge_queues(session)
    return climb("webhook", ladder, session.config.contract.slo_p99_ms, measure, webhook_stop, say)


def climb_floor(session: Session, locustfile: Path, ladder: Ladder, folder: Path,
                say: Callable[[str], None]) -> Climb:
    slo_ms = session.config.contract.slo_p99_ms

    def measure(rate: float) -> dict[str, Any]:
        try:
            return measured_step(session, locustfile, folder / "floor" / f"{rate:g}", FLOOR_ONLY_RPS,
                                 ladder.step_s, floor_rps=rate)
        finally:
            purge_queues(session)
    return climb("floor", ladder, slo_ms, measure, lambda s: floor_stop(s, slo_ms), say)


def both_climbs(session: Session, locustfile: Path, ladder: Ladder, folder: Path,
                say: Callable[[str], None]) -> dict[str, Climb]:
    """The target's climb and the floor's, with the consumers placed as the run's topology says."""
    session.tap.stop()  # every window has its own tap
    with measured_topology(session, session.config.run.load_topology) as topology:
        say(f"measured with {topology}")
        climbs = {"webhook": climb_webhook(session, locustfile, ladder, folder, say),
                  "floor": climb_floor(session, locustfile, ladder, folder, say)}
    slo_ms = session.config.contract.slo_p99_ms
    data = {"target": session.spec.name, "slo_p99_ms": slo_ms, "topology": topology,
            **{name: as_json(c) for name, c in climbs.items()}}
    (folder / "capacity.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
    (folder / "capacity.html").write_text(capacity_page(data), encoding="utf-8")
    return climbs


def run_capacity(config: HarnessConfig, project_dir: Path, inherited_env: Mapping[str, str], locustfile: Path,
                 ladder: Ladder, say: Callable[[str], None]) -> int:
    """``harness capacity``: 0 when the target has an SLO capacity, 1 when even the first step missed it."""
    run_id = new_run_id()
    folder = config.run.report_dir / run_id
    with open_session(config, project_dir, inherited_env, run_id, folder / "logs") as session:
        say(f"capacity: target {session.spec.name}, services {session.services.backend}, run {run_id}")
        climbs = both_climbs(session, locustfile, ladder, folder, say)
    for climb_ in climbs.values():
        say(capacity_line(climb_))
    say(f"capacity: {folder / 'capacity.html'}")
    return 0 if climbs["webhook"].capacity_rps is not None else 1
