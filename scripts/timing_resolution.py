"""How small a timing difference does the constant-time check see through HTTP on this machine?

Runs the check's own measurement (``harness.checks.security.timing.measure``, the same pairs, order and
statistics) against ``tests/targets/timing_calibration_target.py``, which busy-waits a chosen number
of microseconds whenever a signature's first character is right. For each delay it repeats the
check's verdict rule (two batches whose 99% interval both lie above zero) several times and prints
how often the delay was detected, plus the interval widths.

    .venv/bin/python scripts/timing_resolution.py [--services external] [--pairs 150] [--repeats 10]
        [--delays 0,5,10,20,40,80]

This is an entry point: it reads the process environment for the service URLs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.checks.security.http import event_body  # noqa: E402
from harness.checks.security.timing import _pair_headers, measure  # noqa: E402
from harness.config import RunOptions, load_config, services_from_env  # noqa: E402
from harness.session import Session, open_session  # noqa: E402

TARGET = "tests/targets/timing_calibration_target.py"


def detected(session: Session, delay_us: float, pairs: int, seed: int) -> tuple[bool, float]:
    """The check's verdict for one delay (two confirming batches), and the first batch's half-width."""
    assert session.target.webhook_url is not None
    _, body, _ = event_body(session)
    a, b = _pair_headers(session, body)
    extra = {"X-Harness-Delay-Us": f"{delay_us:g}"}
    first = measure(session.target.webhook_url, body, {**a, **extra}, {**b, **extra}, pairs, seed=seed)
    if not first.interval.excludes_zero_above():
        return False, first.interval.half_width
    second = measure(session.target.webhook_url, body, {**a, **extra}, {**b, **extra}, pairs, seed=seed + 1)
    return second.interval.excludes_zero_above(), first.interval.half_width


def sweep(session: Session, delays: list[float], pairs: int, repeats: int) -> None:
    print(f"{'delay µs':>9} {'detected':>9} {'median half-width µs':>21}")
    for delay in delays:
        outcomes = [detected(session, delay, pairs, seed=100 * r) for r in range(repeats)]
        hits = sum(hit for hit, _ in outcomes)
        width = statistics.median(w for _, w in outcomes)
        print(f"{delay:>9g} {hits:>5}/{repeats:<3} {width:>21.1f}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", default="external")
    parser.add_argument("--pairs", type=int, default=150)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--delays", default="0,5,10,20,40,80")
    args = parser.parse_args()
    config = load_config(ROOT, services_from_env(os.environ, args.services), RunOptions(target=TARGET, quick=True))
    with open_session(config, ROOT, dict(os.environ)) as session:
        sweep(session, [float(d) for d in args.delays.split(",")], args.pairs, args.repeats)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
