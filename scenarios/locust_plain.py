"""The baseline for ``make bench``: plain Locust FastHttpUser posting one fixed body, closed loop.

    locust -f scenarios/locust_plain.py --headless -u 50 -r 50 --run-time 10s --host http://127.0.0.1:PORT
"""

import json

from locust import FastHttpUser, constant, task

from harness.payloads.factory import make_document_event

BODY = json.dumps(make_document_event(status_change=False, seed=1)).encode()
HEADERS = {"Content-Type": "application/json"}


class PlainUser(FastHttpUser):
    wait_time = constant(0)

    @task
    def post_fixed_body(self) -> None:
        self.client.post("/webhook/monday", data=BODY, headers=HEADERS)
