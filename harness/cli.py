"""The ``harness`` command: ``run`` (the CI gate), ``ab``, ``capacity``, ``doctor``, ``init`` and ``compare``.

Exit codes of ``run``: 0 the gate passed, 1 the gate failed with findings, 2 the harness could not run.
This module and the pytest plugin are the only places that read the process environment.
"""

from __future__ import annotations

import _thread
import argparse
import os
import signal
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from harness.config import HarnessConfig, config_from_options
from harness.errors import ConfigError, HarnessError
from harness.faults.plan import parse_faults, plan_for
from harness.init import add_init_command, cmd_init
from harness.load.stats.capacity import Ladder
from harness.option_parsers import add_to_argparse, given_by_argparse
from harness.options import AB, CAPACITY, DOCTOR, GATE
from harness.redact import mask_url_passwords

EXIT_PASS, EXIT_FAIL, EXIT_CANNOT_RUN = 0, 1, 2
EXIT_CODES = ("exit codes:\n  0  the gate passed\n  1  the gate failed, with findings (report.json lists them)\n"
              "  2  the harness could not run (bad option or configuration, no services, the target does not\n"
              "     start), with a one-line reason on stderr")
SOURCES = ("Each option can also be set by its HARNESS_* environment variable or in the project's\n"
           "[tool.harness.run] table: the command line wins, then the environment, then the file.\n")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"harness: {message}\n")
        raise SystemExit(EXIT_CANNOT_RUN)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="harness", description="Migration gate for the AI-Agent Celery/RabbitMQ move.",
                     epilog=f"{EXIT_CODES}\n(init and doctor: 0 done, 2 not)",
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = _command(sub, "run", "run the gate against a target and write reports/<run>/")
    add_to_argparse(run, GATE)
    run.add_argument("pytest_args", nargs="*", help="extra pytest arguments, after --")
    ab = _command(sub, "ab", "the same gate on Redis and on RabbitMQ, compared side by side")
    add_to_argparse(ab, AB)
    ab.add_argument("--brokers", default="redis,rabbitmq", help="the two brokers to compare (default redis,rabbitmq)")
    ab.add_argument("--no-capability", dest="capability", action="store_const", const="skip", default="auto",
                    help="leave out the reference run on both brokers that answers each row's capability question")
    ab.add_argument("--capability-from", dest="capability", metavar="DIR",
                    help="answer the capability questions from an earlier run's reference reports (its directory)")
    ab.add_argument("pytest_args", nargs="*", help="extra pytest arguments, after --")
    capacity = _command(sub, "capacity", "the target's SLO capacity: the highest rate whose p99 stays within the SLO",
                        epilog=f"{SOURCES}\nexit codes:\n  0  the target has an SLO capacity (capacity.json and "
                               "capacity.html in reports/<run>/)\n  1  even the first step missed the SLO\n"
                               "  2  the harness could not run")
    add_to_argparse(capacity, CAPACITY)
    add_ladder_options(capacity)
    doctor = _command(sub, "doctor", "which back-ends work here, which one auto picks, whether the target imports, "
                                     "whether Chromium is there", epilog="exit codes: 0 a back-end works, 2 none")
    add_to_argparse(doctor, DOCTOR)
    add_init_command(sub)
    compare = _command(sub, "compare", "new and fixed findings and latency change between two runs",
                       epilog="exit codes: 0 nothing got worse, 1 a regression, 2 a report cannot be read")
    compare.add_argument("old", type=Path, help="the baseline: a report.json or its run directory")
    compare.add_argument("new", type=Path, help="the run to judge: a report.json or its run directory")
    return parser


def add_ladder_options(parser: argparse.ArgumentParser) -> None:
    ladder = Ladder()
    parser.add_argument("--start-rate", type=float, default=ladder.start_rps, metavar="N",
                        help=f"webhooks/s of the first step (default {ladder.start_rps:g})")
    parser.add_argument("--factor", type=float, default=ladder.factor, metavar="X",
                        help=f"each step's rate over the last one's (default {ladder.factor:g})")
    parser.add_argument("--step-seconds", type=float, default=ladder.step_s, metavar="S",
                        help=f"measured seconds per step (default {ladder.step_s:g})")
    parser.add_argument("--max-steps", type=int, default=ladder.max_steps, metavar="N",
                        help=f"at most this many steps per path (default {ladder.max_steps})")


def ladder_from_args(args: argparse.Namespace) -> Ladder:
    if args.start_rate <= 0 or args.factor <= 1 or args.step_seconds < 3 or args.max_steps < 1:
        raise ConfigError("capacity: --start-rate must be > 0, --factor > 1, --step-seconds >= 3, --max-steps >= 1")
    return Ladder(args.start_rate, args.factor, args.step_seconds, args.max_steps)


def cmd_capacity(args: argparse.Namespace) -> int:
    from harness.gate import SCENARIOS
    from harness.load.capacity_run import run_capacity

    ladder = ladder_from_args(args)
    config = config_from_options(Path.cwd(), CAPACITY, given_by_argparse(args, CAPACITY), os.environ, parse_faults)
    return run_capacity(config, Path.cwd(), dict(os.environ), SCENARIOS / "locust_webhook.py", ladder,
                        lambda line: print(line, flush=True))


def _command(sub: Any, name: str, help: str, epilog: str | None = None) -> argparse.ArgumentParser:
    command: argparse.ArgumentParser = sub.add_parser(name, help=help, description=help,
                                                      epilog=epilog or f"{SOURCES}\n{EXIT_CODES}",
                                                      formatter_class=argparse.RawDescriptionHelpFormatter)
    return command


def package_version() -> str:
    try:
        return metadata.version("migration-harness")
    except metadata.PackageNotFoundError:
        return "unknown"


def config_from_args(args: argparse.Namespace) -> HarnessConfig:
    where = GATE if args.command == "run" else AB
    config = config_from_options(Path.cwd(), where, given_by_argparse(args, where), os.environ, parse_faults)
    plan_for(config.run.quick, config.run.fault_rate, config.run.fault_seconds)  # bad rate or length: exit 2
    return config


def cmd_doctor(args: argparse.Namespace) -> int:
    from harness.doctor import doctor_lines, print_lines

    config = config_from_options(Path.cwd(), DOCTOR, given_by_argparse(args, DOCTOR), os.environ, parse_faults)
    return EXIT_PASS if print_lines(doctor_lines(config, Path.cwd())) else EXIT_CANNOT_RUN


def _stop_like_ctrl_c(signum: int, _frame: object) -> None:
    """SIGTERM (a CI timeout, ``kill``) unwinds the run as Ctrl-C does; a repeat does not cut the cleanup short.
    (A Python no-op, not SIG_IGN: an ignored signal would be inherited by servers the cleanup starts again.)"""
    signal.signal(signum, _repeat_ignored)
    raise KeyboardInterrupt


def _repeat_ignored(_signum: int, _frame: object) -> None:
    return None


def _interrupt_again(unraisable: Any) -> None:
    """An interrupt that lands while Python finalizes an object (a generator closed by the garbage collector,
    say) cannot propagate there: Python would print it as "Exception ignored" and go on. It is delivered to
    the main thread again instead, so the run still stops, without a traceback; anything else is printed as
    Python prints it."""
    if unraisable.exc_type is not None and issubclass(unraisable.exc_type, KeyboardInterrupt):
        _thread.interrupt_main()
        return
    sys.__unraisablehook__(unraisable)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_like_ctrl_c)
    sys.unraisablehook = _interrupt_again
    try:
        if args.command == "doctor":
            return cmd_doctor(args)
        if args.command == "capacity":
            return cmd_capacity(args)
        if args.command == "init":
            return cmd_init(args)
        if args.command == "compare":
            from harness.compare import run_compare

            return run_compare(args.old, args.new, sys.stdout)
        if args.command == "ab":
            from harness.ab.runner import parse_brokers, run_ab

            parse_brokers(args.brokers)
            return run_ab(config_from_args(args), list(args.pytest_args), dict(os.environ), args.capability)
        from harness.gate import run_gate

        return run_gate(config_from_args(args), list(args.pytest_args), dict(os.environ))
    except HarnessError as exc:
        sys.stderr.write(f"harness: {mask_url_passwords(str(exc))}\n")
        return EXIT_CANNOT_RUN
    except KeyboardInterrupt:
        sys.stderr.write("harness: interrupted; everything the run started was stopped\n")
        return EXIT_CANNOT_RUN


if __name__ == "__main__":
    raise SystemExit(main())
