"""``make bench``: ratios from one run, on this machine.

1. The reference target at ``BENCH_RATE`` webhooks/s (300) for ``BENCH_SECONDS`` (30): webhook-to-queue
   p50/p99 against the floor measured in the same run, and the SLO verdict.
2. The SLO capacity (``harness capacity``'s ladder from ``BENCH_CAPACITY_START`` webhooks/s, 100): the
   reference's and the floor path's own, side by side.
3. The load generator's sustained sends/s against plain Locust ``FastHttpUser`` posting one fixed body,
   both closed-loop and flat out against the same trivial endpoint (``trivial_server``), alternated
   ``BENCH_ROUNDS`` (2) times; the best round of each is compared.

This is an entry point: it reads the process environment (``HARNESS_*`` services, ``BENCH_*``).
"""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import port_for

from harness.config import RunOptions, load_config, services_from_env
from harness.load.capacity_run import both_climbs
from harness.load.phase import LoadPlan, locust_base, run_locust
from harness.load.stats.capacity import Climb, Ladder, lines
from harness.load.stats.summary import one_line
from harness.load.topology import measured_topology
from harness.session import Session, new_run_id, open_session
from harness.waiting import wait_for

ROOT = Path.cwd()
WEBHOOK_FILE = ROOT / "scenarios" / "locust_webhook.py"
PLAIN_FILE = ROOT / "scenarios" / "locust_plain.py"
GENERATOR_USERS, GENERATOR_SECONDS = 32, 8


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def trivial_endpoint() -> Iterator[str]:
    port = port_for.select_random()
    server = subprocess.Popen([sys.executable, "-m", "harness.load.daemons.trivial_server", str(port)])
    try:
        wait_for(lambda: _listening(port), 15, 0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def plain_rate(base_url: str, folder: Path) -> float:
    """Requests/s of plain FastHttpUser, from Locust's own aggregated CSV row."""
    command = [*locust_base(), "-f", str(PLAIN_FILE), "--headless", "--only-summary", "-u", str(GENERATOR_USERS),
               "-r", str(GENERATOR_USERS), "--run-time", f"{GENERATOR_SECONDS}s", "--host", base_url,
               "--csv", str(folder / "plain"), "--loglevel", "WARNING"]
    subprocess.run(command, cwd=ROOT, capture_output=True, timeout=GENERATOR_SECONDS + 60, check=False)
    with (folder / "plain_stats.csv").open(encoding="utf-8") as handle:
        row = next(r for r in csv.DictReader(handle) if r["Name"] == "Aggregated")
    return float(row["Requests/s"])


def generator_rate(session: Session, base_url: str, folder: Path) -> float:
    """Sends/s of the harness's generator flat out (every send late), with its whole per-send path."""
    plan = LoadPlan(rate_rps=1_000_000, seconds=GENERATOR_SECONDS, warmup_s=0, users=GENERATOR_USERS)
    extra = ["--floor-rate", "0", "--deadline-s", "1"]
    run_locust(session, plan, WEBHOOK_FILE, folder, extra=extra,
               webhook_url=base_url + session.config.contract.webhook.path)
    summary: dict[str, Any] = json.loads((folder / "latency.json").read_text())
    return float(summary["sends"]["achieved_rps"])


def generator_ratio(session: Session, folder: Path, rounds: int) -> dict[str, Any]:
    plain, ours = [], []
    with trivial_endpoint() as base_url:
        for i in range(rounds):
            plain.append(plain_rate(base_url, _mkdir(folder / f"plain-{i}")))
            ours.append(generator_rate(session, base_url, _mkdir(folder / f"generator-{i}")))
    return {"plain_rps": plain, "generator_rps": ours, "ratio": round(max(ours) / max(plain), 3) if plain else None}


def reference_figures(session: Session, folder: Path, rate: float, seconds: float) -> dict[str, Any]:
    """The load phase's own measurement (consumers paused for the window, as ``harness run`` measures)."""
    plan = LoadPlan(rate_rps=rate, seconds=seconds, warmup_s=3, users=max(20, int(rate // 10)))
    with measured_topology(session, session.config.run.load_topology) as topology:
        code, _output = run_locust(session, plan, WEBHOOK_FILE, folder)
    summary: dict[str, Any] = json.loads((folder / "latency.json").read_text())
    summary["locust_exit_code"], summary["topology"] = code, topology
    return summary


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _ms(us: Any) -> str:
    return "-" if us is None else f"{us / 1000:.3f} ms"


def report_lines(reference: dict[str, Any], climbs: dict[str, Climb], generator: dict[str, Any]) -> list[str]:
    c, u = reference["webhook_to_queue_us"], reference["webhook_to_queue_uncorrected_us"]
    f, r = reference["floor_publish_to_queue_us"], reference["floor_ratio"]
    return [
        f"reference at {reference['rate_rps']:g} webhooks/s for {reference['duration_s']:g} s "
        f"(sent {reference['sends']['achieved_rps']}/s, late {reference['sends']['late']}, "
        f"dropped {reference['sends']['dropped']}):",
        f"  webhook→queue from intended time  p50 {_ms(c['p50'])}  p99 {_ms(c['p99'])}  (n={c['count']})",
        f"  webhook→queue from actual send    p50 {_ms(u['p50'])}  p99 {_ms(u['p99'])}",
        f"  floor publish→queue               p50 {_ms(f['p50'])}  p99 {_ms(f['p99'])}",
        f"  ratio to the floor                p50 {r['p50']}×  p99 {r['p99']}×",
        f"  SLO p99 ≤ {reference['slo_p99_ms']:g} ms: {reference['verdict']} (Locust exit code "
        f"{reference['locust_exit_code']})",
        f"  {one_line(reference)}",
        f"  measured with {reference['topology']}; the instrument (generator and tap) "
        f"{reference.get('instrument_pct_per_100_rps')}% of a core per 100 webhooks/s",
        *(line for climb in climbs.values() for line in lines(climb, reference["slo_p99_ms"])),
        "generator, flat out against a trivial endpoint (best of "
        f"{len(generator['plain_rps'])} rounds of {GENERATOR_SECONDS} s, {GENERATOR_USERS} users):",
        f"  plain FastHttpUser, fixed body   {max(generator['plain_rps']):.0f} req/s  "
        f"(rounds: {', '.join(f'{x:.0f}' for x in generator['plain_rps'])})",
        f"  harness generator (open model, signing, matching, HDR)  {max(generator['generator_rps']):.0f} sends/s  "
        f"(rounds: {', '.join(f'{x:.0f}' for x in generator['generator_rps'])})",
        f"  ratio {generator['ratio'] * 100:.0f}% (goal ≥ 80%)",
    ]


def main() -> int:
    env = dict(os.environ)
    rate, seconds = float(env.get("BENCH_RATE", 300)), float(env.get("BENCH_SECONDS", 30))
    config = load_config(ROOT, services_from_env(env, env.get("BENCH_SERVICES", "external")),
                         RunOptions(target=env.get("BENCH_TARGET", "reference")))
    folder = _mkdir(ROOT / "reports" / "bench" / new_run_id())
    with open_session(config, ROOT, env) as session:
        session.tap.stop()  # the generator has its own tap
        print(f"bench: target {session.spec.name}, services {session.services.backend}, output {folder}", flush=True)
        reference = reference_figures(session, _mkdir(folder / "reference"), rate, seconds)
        ladder = Ladder(start_rps=float(env.get("BENCH_CAPACITY_START", 100)))
        climbs = both_climbs(session, WEBHOOK_FILE, ladder, _mkdir(folder / "capacity"), print)
        generator = generator_ratio(session, folder, int(env.get("BENCH_ROUNDS", 2)))
    capacity = {name: climb.capacity_rps for name, climb in climbs.items()}
    (folder / "bench.json").write_text(json.dumps({"reference": reference, "capacity_rps": capacity,
                                                   "generator": generator}, indent=1))
    print("\n".join(report_lines(reference, climbs, generator)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
