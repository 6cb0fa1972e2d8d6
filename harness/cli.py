"""The ``harness`` command: ``run`` (the CI gate) and ``doctor``.

Exit codes of ``run``: 0 the gate passed, 1 the gate failed with findings, 2 the harness could not run.
This module and the pytest plugin are the only places that read the process environment.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from harness.config import (
    BACKENDS,
    BROKERS,
    DEFAULT_TIME_SCALE,
    LOAD_TOPOLOGIES,
    HarnessConfig,
    RunOptions,
    load_config,
    services_from_env,
)
from harness.errors import HarnessError
from harness.faults.plan import parse_faults, plan_for
from harness.redact import mask_url_passwords
from harness.target_settings import parse_assignments

EXIT_PASS, EXIT_FAIL, EXIT_CANNOT_RUN = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"harness: {message}\n")
        raise SystemExit(EXIT_CANNOT_RUN)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="harness", description="Migration gate for the AI-Agent Celery/RabbitMQ move.",
                     epilog="exit codes of run and ab: 0 the gate passed, 1 it failed with findings, "
                            "2 the harness could not run (bad option, no services, the target does not start)")
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the gate against a target and write reports/")
    add_gate_arguments(run)
    run.add_argument("--oauth-test", action="store_true", help="add the OAuth suite (against the Monday emulator)")
    run.add_argument("--monday-live", action="store_true",
                     help="with --oauth-test: run the OAuth suite against Monday itself (MONDAY_LIVE_* variables)")
    run.add_argument("--faults", nargs="?", const="all", default=None, metavar="LIST",
                     help="add the fault phase: all (the default), or some of worker_kill, broker_restart, "
                          "broker_crash, connections_closed, database_restart, database_unreachable, "
                          "webhook_restart, mixed")
    run.add_argument("--fault-rate", type=float, help="webhooks/s during each fault scenario")
    run.add_argument("--fault-seconds", type=float, help="seconds of load in each fault scenario")
    run.add_argument("--broker", default="rabbitmq", choices=BROKERS,
                     help="the target's Celery broker; on redis, checks of RabbitMQ-only features are n/a")
    run.add_argument("pytest_args", nargs="*", help="extra pytest arguments after --")
    ab = sub.add_parser("ab", help="the same gate on Redis and on RabbitMQ, compared side by side")
    add_gate_arguments(ab)
    ab.add_argument("--brokers", default="redis,rabbitmq", help="the two brokers to compare (redis,rabbitmq)")
    ab.add_argument("--no-capability", dest="capability", action="store_const", const="skip", default="auto",
                    help="leave out the reference run on both brokers that answers each row's capability question")
    ab.add_argument("--capability-from", dest="capability", metavar="DIR",
                    help="answer the capability questions from an earlier run's reference reports (its directory)")
    ab.add_argument("pytest_args", nargs="*", help="extra pytest arguments after --")
    doctor = sub.add_parser("doctor", help="which provisioning back-ends work here")
    add_url_arguments(doctor)
    compare = sub.add_parser("compare", help="new and fixed findings and latency change between two runs")
    compare.add_argument("old", type=Path, help="the baseline: a report.json or its run directory")
    compare.add_argument("new", type=Path, help="the run to judge: a report.json or its run directory")
    return parser


def add_gate_arguments(command: argparse.ArgumentParser) -> None:
    """What ``run`` and ``ab`` share: the target, the run's shape, the services and the reports."""
    command.add_argument("--target", default="",
                         help="reference, seed, a module or .py file exposing celery_app and app, or module:attr "
                              "of a Celery app (default: the project's [target] celery_app, else reference)")
    command.add_argument("--celery-app", help="the target's Celery app as module:attr")
    command.add_argument("--webhook-app", help="the target's ASGI webhook app as module:attr, served with uvicorn")
    command.add_argument("--webhook-url", help="an already running webhook's base URL")
    command.add_argument("--target-python", help="the interpreter that runs the target's processes (its own venv)")
    command.add_argument("--target-env", action="append", default=[], metavar="KEY=VALUE",
                         help="a setting for the target's processes (repeatable; over the project's env file)")
    command.add_argument("--target-env-file", metavar="PATH",
                         help="the target's .env file (default: [target] env_file)")
    command.add_argument("--pass-env", action="append", default=[], metavar="NAME",
                         help="pass this variable of the harness's environment to the target (repeatable)")
    command.add_argument("--task-bodies", default="stub", choices=("stub", "real"))
    command.add_argument("--time-scale", type=float, default=DEFAULT_TIME_SCALE,
                         help="compress retry countdowns in live checks (the declared policy is checked as declared)")
    command.add_argument("--quick", action="store_true", help="the smoke subset (about a minute; the load phase "
                                                                 "judges the median)")
    command.add_argument("--no-load", dest="load", action="store_false",
                         help="leave out the load phase (the latency check is reported as skipped)")
    command.add_argument("--load-topology", default="paused", choices=LOAD_TOPOLOGIES,
                         help="paused: the target's consumers paused for the measured window, as if they ran "
                              "elsewhere (the default); shared: everything on the same cores")
    command.add_argument("--services", default="auto", choices=BACKENDS,
                         help="where RabbitMQ and PostgreSQL come from: docker (testcontainers), local (processes "
                              "on free ports), external (--broker-url...), or auto: the first that works")
    command.add_argument("--report-dir", default="reports", help="where reports/<run>/ is written")
    add_url_arguments(command)


def add_url_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--broker-url", help="external broker (or HARNESS_BROKER_URL)")
    command.add_argument("--management-url", help="external management API (or HARNESS_MANAGEMENT_URL)")
    command.add_argument("--database-url", help="external PostgreSQL (or HARNESS_DATABASE_URL)")
    command.add_argument("--redis-url", help="external Redis for --broker redis (or HARNESS_REDIS_URL)")


def package_version() -> str:
    try:
        return metadata.version("migration-harness")
    except metadata.PackageNotFoundError:
        return "unknown"


def env_with_flags(args: argparse.Namespace) -> dict[str, str]:
    """The process environment, with service URLs given as flags taking precedence."""
    env = dict(os.environ)
    for flag, var in (("broker_url", "HARNESS_BROKER_URL"), ("management_url", "HARNESS_MANAGEMENT_URL"),
                      ("database_url", "HARNESS_DATABASE_URL"), ("redis_url", "HARNESS_REDIS_URL")):
        if getattr(args, flag, None):
            env[var] = getattr(args, flag)
    return env


def config_from_args(args: argparse.Namespace) -> HarnessConfig:
    env = env_with_flags(args)
    run = RunOptions(target=args.target, broker=getattr(args, "broker", "rabbitmq"),
                     celery_app=args.celery_app, webhook_app=args.webhook_app,
                     webhook_url=args.webhook_url, target_python=args.target_python,
                     task_bodies=args.task_bodies, time_scale=args.time_scale, quick=args.quick, load=args.load,
                     load_topology=args.load_topology,
                     oauth_test=getattr(args, "oauth_test", False), monday_live=getattr(args, "monday_live", False),
                     report_dir=Path(args.report_dir), faults=parse_faults(getattr(args, "faults", None)),
                     fault_rate=getattr(args, "fault_rate", None), fault_seconds=getattr(args, "fault_seconds", None),
                     target_env=parse_assignments(args.target_env), target_env_file=args.target_env_file,
                     pass_env=tuple(args.pass_env))
    plan_for(run.quick, run.fault_rate, run.fault_seconds)  # a bad rate or length exits 2 before anything starts
    return load_config(Path.cwd(), services_from_env(env, args.services), run)


def cmd_doctor(args: argparse.Namespace) -> int:
    from harness.services import doctor
    from harness.services.redis import redis_doctor

    usable = False
    settings = services_from_env(env_with_flags(args))
    for name, ok, why in doctor(settings):
        usable |= ok
        print(f"{name:14} {'available' if ok else 'unavailable':12} {mask_url_passwords(why)}")
    for name, ok, why in redis_doctor(settings.redis_url):  # for --broker redis and harness ab
        print(f"{name:14} {'available' if ok else 'unavailable':12} {mask_url_passwords(why)}")
    return EXIT_PASS if usable else EXIT_CANNOT_RUN


def _stop_like_ctrl_c(signum: int, _frame: object) -> None:
    """SIGTERM (a CI timeout, ``kill``) unwinds the run as Ctrl-C does; a repeat does not cut the cleanup short.
    (A Python no-op, not SIG_IGN: an ignored signal would be inherited by servers the cleanup starts again.)"""
    signal.signal(signum, _repeat_ignored)
    raise KeyboardInterrupt


def _repeat_ignored(_signum: int, _frame: object) -> None:
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_like_ctrl_c)
    try:
        if args.command == "doctor":
            return cmd_doctor(args)
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
