"""Rates and timings of the fault phase, and its scenarios: each fault alone, then a mixed schedule."""

from __future__ import annotations

from dataclasses import dataclass, replace

from harness.errors import ConfigError

FAULT_NAMES = ("worker_kill", "broker_restart", "broker_crash", "connections_closed", "database_restart",
               "database_unreachable", "webhook_restart")
MIXED = "mixed"
CLUSTER_NAMES = ("node_kill", "node_stop", "rolling_restart", "node_isolate")  # --nodes 3: harness.faults.cluster
CLUSTER = "cluster"  # every cluster fault, each in its own scenario
MAX_LOAD_S = 900.0  # no scenario's load runs longer, whatever its faults take


@dataclass(frozen=True)
class FaultPlan:
    rate_rps: float = 20.0  # a moderate, steady rate
    seconds: float = 4.0  # load of one scenario, at least (longer when its faults take longer)
    fault_at_s: float = 1.0  # the first fault, after the load started
    gap_s: float = 1.5  # between two faults of the mixed schedule, and after the last one
    outage_s: float = 2.0  # a server stays stopped or unreachable this long; worker kills last this long
    kill_every_s: float = 0.5
    hang_s: float = 0.02  # each task body takes this long (probe marker), so kills land mid-task
    backlog: int = 20  # messages wanted in the queues when the broker stops
    drain_s: float = 30.0  # after the load, how long accepted work may take to end
    retry_rounds: int = 2  # Monday-style retries of deliveries that got no 2xx
    retry_delay_s: float = 0.5
    status_change_ratio: float = 0.5


QUICK = FaultPlan()
FULL = FaultPlan(rate_rps=50.0, seconds=20.0, fault_at_s=5.0, gap_s=4.0, outage_s=4.0, kill_every_s=0.5,
                 backlog=100, drain_s=90.0, retry_rounds=3, retry_delay_s=1.0)
# A cluster fault takes a node's restart (and a rolling restart, every node's): the load stays short and the plan of
# four scenarios stays within five minutes, what is lost being counted once nothing moves (drain_s at most).
CLUSTER_QUICK = FaultPlan(rate_rps=20.0, seconds=6.0, fault_at_s=2.0, gap_s=2.0, outage_s=3.0, drain_s=20.0,
                          retry_rounds=3, retry_delay_s=1.0)
CLUSTER_FULL = FaultPlan(rate_rps=30.0, seconds=10.0, fault_at_s=3.0, gap_s=3.0, outage_s=4.0, drain_s=25.0,
                         retry_rounds=3, retry_delay_s=1.0)


def plan_for(quick: bool, rate_rps: float | None = None, seconds: float | None = None,
             scenario: str = "") -> FaultPlan:
    """The quick or full plan (a cluster fault's own, for ``scenario``), with the load's rate and length overridden
    when given."""
    plans = (CLUSTER_QUICK, CLUSTER_FULL) if scenario in CLUSTER_NAMES else (QUICK, FULL)
    plan = plans[0] if quick else plans[1]
    if rate_rps is not None:
        if not 0 < rate_rps <= 1000:
            raise ConfigError(f"--fault-rate must be in (0, 1000] webhooks/s, not {rate_rps}")
        plan = replace(plan, rate_rps=rate_rps, backlog=max(plan.backlog, int(rate_rps)))
    if seconds is not None:
        if not 2 <= seconds <= MAX_LOAD_S:
            raise ConfigError(f"--fault-seconds must be in [2, {MAX_LOAD_S:g}], not {seconds}")
        plan = replace(plan, seconds=seconds, fault_at_s=min(plan.fault_at_s, seconds / 4),
                       drain_s=max(plan.drain_s, seconds))
    return plan


@dataclass(frozen=True)
class Scenario:
    name: str
    faults: tuple[str, ...]


def offsets(plan: FaultPlan, count: int) -> list[float]:
    """When each of ``count`` faults starts, in seconds after the load started (a fault also waits for the
    previous one to end)."""
    return [plan.fault_at_s + i * plan.gap_s for i in range(count)]


def parse_faults(text: str | None) -> tuple[str, ...]:
    """``--faults`` as given: empty (no fault phase), ``all``, or names separated by commas."""
    if not text:
        return ()
    names = tuple(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))
    if names == ("all",):
        return (*FAULT_NAMES, MIXED)
    names = tuple(dict.fromkeys(m for n in names for m in (CLUSTER_NAMES if n == CLUSTER else (n,))))
    unknown = [n for n in names if n not in (*FAULT_NAMES, MIXED, *CLUSTER_NAMES)]
    if unknown:
        raise ConfigError(f"unknown fault {', '.join(unknown)}; choose from all, {', '.join(FAULT_NAMES)}, {MIXED}, "
                          f"{CLUSTER} ({', '.join(CLUSTER_NAMES)})")
    return names


def scenarios(names: tuple[str, ...]) -> list[Scenario]:
    """A scenario per fault named, and ``mixed``: every fault in one load, one after another."""
    return [Scenario(n, FAULT_NAMES if n == MIXED else (n,)) for n in names]
