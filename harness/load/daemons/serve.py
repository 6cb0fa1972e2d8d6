"""A harness session in a subprocess, for a Locust run that starts its own target.

``locust -f scenarios/locust_webhook.py`` without ``--webhook-url`` starts this module from its master
(``python -m harness.load.daemons.serve --target reference --services auto``). It provisions services, starts
the target, prints one JSON line with what the load generator needs (webhook URL, broker URL, webhook
secret) and keeps everything running until its stdin closes or it gets SIGTERM; then it stops it all.
Running it outside the gevent-patched Locust process keeps the session's own threads unpatched.

This is an entry point: it reads the process environment (the ``HARNESS_*`` service variables).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
from pathlib import Path
from types import FrameType

from harness.config import BACKENDS, RunOptions, load_config, services_from_env
from harness.errors import HarnessError
from harness.redact import mask_url_passwords
from harness.session import open_session


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m harness.load.daemons.serve")
    parser.add_argument("--target", default="reference")
    parser.add_argument("--services", default="auto", choices=BACKENDS)
    parser.add_argument("--target-python")
    return parser


def _stop_on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def serve(args: argparse.Namespace) -> int:
    run = RunOptions(target=args.target, target_python=args.target_python)
    config = load_config(Path.cwd(), services_from_env(os.environ, args.services), run)
    with open_session(config, Path.cwd(), dict(os.environ)) as session:
        session.tap.stop()  # the load generator has its own tap: spare the broker these copies and their CPU
        print(json.dumps({
            "target": session.spec.name, "webhook_url": session.target.webhook_url,
            "skip_reason": session.target.webhook_skip_reason, "amqp_url": session.services.broker.amqp_url,
            "management_url": session.services.broker.management_url,
            "webhook_secret": session.delivery_secret, "services": session.services.backend,
        }), flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            sys.stdin.read()
    return 0


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        return serve(_parser().parse_args(argv))
    except HarnessError as exc:
        print(json.dumps({"error": mask_url_passwords(str(exc))}), flush=True)
        return 2
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
