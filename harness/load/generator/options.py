"""The locustfile's own command-line options, and the settings read from them.

They are added to Locust's parser (``init_command_line_parser``), so they work on the command line,
in ``locust.conf``, from ``LOCUST_*`` environment variables and, where marked, in the web UI's form.
The master sends them to its workers with each spawn message. Secrets (the broker URL with its
password, the webhook secret) are never shown in the web UI; pass them through the environment
(``LOCUST_BROKER_URL``, ``LOCUST_WEBHOOK_SECRET``) rather than the command line.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from harness.config import DIALECTS, Contract
from harness.option_parsers import add_to_locust
from harness.options import LOCUST

WORKERS_ATTR = "harness_workers"  # set by the master at test start, read by each worker


@dataclass(frozen=True)
class LoadOptions:
    rate: float = 100.0
    shape: str = ""
    late_ms: float = 2.0
    deadline_s: float = 5.0
    warmup_s: float = 2.0
    duration_s: float = 0.0
    http_timeout_s: float = 5.0
    floor_rate: float = 20.0
    status_change_ratio: float = 0.5
    webhook_url: str | None = None
    broker_url: str | None = None
    management_url: str | None = None
    webhook_secret: str | None = None
    webhook_dialect: str | None = None  # the bodies' dialect; None: the contract's (as resolved for --target)
    target: str = "reference"
    services: str = "auto"
    latency_json: str | None = None
    hdr_log: str | None = None
    sends_log: str | None = None
    slo_ms: float | None = None
    status_lines: bool = False
    workers: int = 1

    @classmethod
    def from_namespace(cls, ns: Any) -> LoadOptions:
        values = {name: getattr(ns, name) for name in cls.__dataclass_fields__ if hasattr(ns, name)}
        values["workers"] = max(int(getattr(ns, WORKERS_ATTR, 1) or 1), 1)
        return cls(**values)

    def webhook(self, host: str | None, contract: Contract) -> str:
        """The full webhook URL: ``--webhook-url``, else ``--host`` plus the contract's path."""
        if self.webhook_url:
            has_path = urlsplit(self.webhook_url).path not in ("", "/")
            return self.webhook_url if has_path else self.webhook_url.rstrip("/") + contract.webhook.path
        if not host:
            raise ValueError("no webhook: give --webhook-url or --host, or let the locustfile start a target")
        return host.rstrip("/") + contract.webhook.path


def base_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def add_arguments(parser: Any) -> None:
    """Register the options on Locust's parser (its ``add_argument`` takes the web-UI keywords): the ones the
    harness shares with ``harness run`` from its option table, then the load generator's own."""
    add_to_locust(parser, LOCUST, {"target": LoadOptions.target})
    add = parser.add_argument
    add("--rate", type=float, default=100.0,
        help="target arrival rate in webhooks/s (open model), all workers together")
    add("--shape", default="", help="rate stages DURATION:RATE,... ramping linearly from --rate (k6 style), "
        "e.g. 10s:300,30s:300,5s:900; the last rate holds")
    add("--late-ms", type=float, default=2.0, help="a send starting later than this after its intended time "
        "counts as late")
    add("--deadline-s", type=float, default=5.0, help="an accepted webhook whose message is not in a queue "
        "this long after the send is lost")
    add("--warmup-s", type=float, default=2.0, help="sends in the first seconds of the schedule open the "
        "target's connections and are not measured (part of --run-time)")
    add("--duration-s", type=float, default=0.0, help="stop once this many seconds were measured after the "
        "warm-up, however long start-up took (0: --run-time alone decides)")
    add("--http-timeout-s", type=float, default=5.0, help="HTTP connect and read timeout")
    add("--floor-rate", type=float, default=20.0, help="floor publishes/s straight to the exchange (0 disables)")
    add("--status-change-ratio", type=float, default=0.5, help="share of deliveries that move an item to "
        "'À faire' (those enqueue the workflow too)")
    add("--webhook-secret", env_var="LOCUST_WEBHOOK_SECRET", default=None, include_in_web_ui=False,
        help="the target's WEBHOOK_SECRET (prefer the environment variable)")
    add("--webhook-dialect", default=None, choices=DIALECTS, include_in_web_ui=False,
        help="the body shape the webhook reads: monday (native) or document (default: the contract's "
             "[webhook] dialect, else document for --target reference/seed and monday for any other)")
    add("--latency-json", default=None, include_in_web_ui=False, help="write the run's latency figures here")
    add("--hdr-log", default=None, include_in_web_ui=False, help="write HdrHistogram interval logs here")
    add("--sends-log", default=None, include_in_web_ui=False,
        help="write every send (triggerUuid, times, HTTP answer) here as JSON lines, for the message ledger")
    add("--status-lines", action="store_true", default=False, include_in_web_ui=False,
        help="print a machine-readable progress line (rate, p99, sends) on stderr every second")
    add("--slo-ms", type=float, default=None, include_in_web_ui=False,
        help="p99 SLO in ms (default: the contract's latency.slo_p99_ms)")


def check(options: LoadOptions) -> None:
    """Reject values that cannot work, with a one-line reason."""
    if options.rate < 0 or options.floor_rate < 0:
        raise argparse.ArgumentTypeError("--rate and --floor-rate must be >= 0")
    if options.warmup_s < 0:
        raise argparse.ArgumentTypeError("--warmup-s must be >= 0")
    if options.deadline_s <= 0 or options.http_timeout_s <= 0:
        raise argparse.ArgumentTypeError("--deadline-s and --http-timeout-s must be > 0")
    if not 0 <= options.status_change_ratio <= 1:
        raise argparse.ArgumentTypeError("--status-change-ratio must be within [0, 1]")
