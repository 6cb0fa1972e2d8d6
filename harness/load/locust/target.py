"""The target a Locust run measures: one given on the command line, or one it starts itself.

With ``--webhook-url`` (or ``--host``) the run uses that webhook, with ``--broker-url`` and
``--webhook-secret`` from the command line or ``LOCUST_*`` variables. With neither, the master (or the
local runner) starts ``--target`` on ``--services`` through ``harness.load.daemons.serve``, and passes the
webhook URL, broker URL and secret on through its parsed options, which Locust sends to every worker.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, NoReturn

import gevent

from harness.load.daemons.target_client import ServedTarget
from harness.load.generator.options import LoadOptions, base_url

log = logging.getLogger("harness.load")
TARGET_START_TIMEOUT_S = 300


def find_target(environment: Any, options: LoadOptions) -> ServedTarget | None:
    """Set ``environment.host``; returns the started target's process when one was started."""
    if options.webhook_url:
        environment.host = environment.host or base_url(options.webhook_url)
        return None
    if environment.host:
        return None
    return start_target(environment, options)


def _give_up(served: ServedTarget, reason: str) -> NoReturn:
    served.stop()
    sys.stderr.write(f"harness: {reason}\n")
    raise SystemExit(2)


def start_target(environment: Any, options: LoadOptions) -> ServedTarget:
    log.info("starting target %s (services %s)", options.target, options.services)
    served = ServedTarget(options.target, options.services)
    try:
        with gevent.Timeout(TARGET_START_TIMEOUT_S):
            info = served.info()
    except (Exception, gevent.Timeout) as exc:
        _give_up(served, f"could not start target {options.target!r}: {exc}")
    if not info.get("webhook_url"):
        _give_up(served, f"target has no webhook: {info.get('skip_reason')}")
    ns = environment.parsed_options
    ns.webhook_url, ns.broker_url = info["webhook_url"], info["amqp_url"]
    ns.management_url, ns.webhook_secret = info["management_url"], info["webhook_secret"]
    environment.host = base_url(info["webhook_url"])
    log.info("target %s at %s (services %s)", info["target"], info["webhook_url"], info["services"])
    return served
