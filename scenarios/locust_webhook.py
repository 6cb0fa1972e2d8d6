"""Webhook-to-queue latency under load: signed Monday webhooks at an open-model rate.

    locust -f scenarios/locust_webhook.py --services external          # starts the reference target, web UI
    locust -f scenarios/locust_webhook.py --headless -u 30 -r 30 --rate 300 --duration-s 60 --run-time 120s \\
        --webhook-url http://127.0.0.1:8000/webhook/monday                # an existing target; set
                                                                          # LOCUST_BROKER_URL, LOCUST_WEBHOOK_SECRET
    locust -f scenarios/locust_webhook.py --processes 2 ...               # distributed (or --master / --worker)

Each send is matched to the first message carrying its triggerUuid on a tap bound like the target's
queues; latency is recorded in µs in HDR histograms, from the intended send time and from the actual
send. The "Webhook → queue (HDR)" tab shows percentiles against the contract's SLO and the floor.
Headless runs exit 3 when p99 exceeds the SLO or messages are lost, 4 when that cannot be judged
because the floor itself exceeds the SLO (Locust's 1 still means requests failed). Users are
concurrency slots: the rate comes from --rate/--shape, not from the user count. --duration-s ends the
run once that many seconds were measured after --warmup-s.
"""

from pathlib import Path

from locust import FastHttpUser, constant, events, task

from harness.config import Contract, RunOptions, load_config
from harness.load.locust import glue


class _NoRequestEvents:
    """HTTP exchanges are recorded in the HDR book by status, not as Locust rows of their own."""

    def fire(self, **_kwargs: object) -> None:
        return None


class WebhookUser(FastHttpUser):
    wait_time = constant(0)
    network_timeout = connection_timeout = 5.0

    def on_start(self) -> None:
        self.client.request_event = _NoRequestEvents()

    @task
    def post_webhook(self) -> None:
        glue.send(self)


def contract_of(run: RunOptions) -> Contract:
    """The contract of the project Locust runs in, for the target its options name. This file is the entry
    point of Locust's processes, so it is the one that reads the working directory and loads the
    configuration (once, at each process's ``init``)."""
    return load_config(Path.cwd(), run=run).contract


glue.install(events, WebhookUser, contract_of)
