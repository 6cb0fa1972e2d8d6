"""Fault names, plans and the paced sender (against a loopback server of the test's own)."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from harness.cli import build_parser, config_from_args
from harness.errors import ConfigError
from harness.faults.plan import FAULT_NAMES, QUICK, offsets, parse_faults, plan_for, scenarios
from harness.faults.process import busy_pids
from harness.ledger.sender import WebhookSender, as_retry, is_loopback
from harness.payloads.signers import verify_hex_hmac


def test_fault_names_parse() -> None:
    assert parse_faults(None) == ()
    assert parse_faults("all") == (*FAULT_NAMES, "mixed")
    assert parse_faults("worker_kill, mixed,worker_kill") == ("worker_kill", "mixed")
    with pytest.raises(ConfigError, match="unknown fault nope"):
        parse_faults("worker_kill,nope")
    assert [s.faults for s in scenarios(("mixed",))] == [FAULT_NAMES]


def test_plans() -> None:
    assert plan_for(True) == QUICK
    custom = plan_for(False, rate_rps=100, seconds=60)
    assert (custom.rate_rps, custom.seconds, custom.drain_s) == (100, 60, 90)
    assert offsets(QUICK, 3) == [1.0, 2.5, 4.0]
    with pytest.raises(ConfigError):
        plan_for(True, rate_rps=0)
    with pytest.raises(ConfigError):
        plan_for(True, seconds=1)


def test_the_cli_carries_the_fault_options() -> None:
    args = build_parser().parse_args(["run", "--faults", "--quick", "--services", "external"])
    assert config_from_args(args).run.faults == (*FAULT_NAMES, "mixed")
    args = build_parser().parse_args(["run", "--faults", "webhook_restart", "--fault-rate", "100",
                                      "--fault-seconds", "60"])
    run = config_from_args(args).run
    assert (run.faults, run.fault_rate, run.fault_seconds) == (("webhook_restart",), 100, 60)
    assert config_from_args(build_parser().parse_args(["run"])).run.faults == ()


class _Handler(BaseHTTPRequestHandler):
    seen: ClassVar[list[tuple[bytes, str]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.seen.append((body, self.headers.get("X-Monday-Signature", "")))
        retry = json.loads(body)["event"].get("isRetry")
        self.send_response(200 if retry else 503)
        self.end_headers()

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/webhook/monday"
    httpd.shutdown()
    httpd.server_close()


def test_the_sender_paces_signs_and_retries(server: str) -> None:
    _Handler.seen = []
    sender = WebhookSender(server, "s3cret", "hmac-hex", marker={"hang": 0.01}, workers=4)
    try:
        sender.start(rate_rps=50, seconds=0.2)
        assert sender.join(10)
        assert len(sender.deliveries) == 10 and not any(d.accepted for d in sender.deliveries)
        assert sender.retry_unaccepted(rounds=2, delay_s=0.01) == 10
    finally:
        sender.close()
    assert all(d.accepted and [a.status for a in d.attempts] == [503, 200] for d in sender.deliveries)
    assert len({d.trigger for d in sender.deliveries}) == 10
    assert all(verify_hex_hmac(body, signature, "s3cret") for body, signature in _Handler.seen)
    assert json.loads(sender.deliveries[0].body)["event"]["__harness__"] == {"hang": 0.01}


def test_the_sender_refuses_other_hosts() -> None:
    assert is_loopback("http://localhost:8000/x") and not is_loopback("http://example.com/x")
    with pytest.raises(ValueError, match="loopback"):
        WebhookSender("http://example.com/webhook", "s", "hmac-hex")
    assert json.loads(as_retry(b'{"event": {"isRetry": false}}'))["event"]["isRetry"] is True


def test_busy_worker_processes_are_those_with_a_task_and_no_done_record() -> None:
    me, now = os.getpid(), time.time()
    events = [{"event": "task", "id": "old", "retries": 0, "pid": me, "t": now - 60},
              {"event": "task", "id": "a", "retries": 0, "pid": me, "t": now - 0.2},
              {"event": "task", "id": "b", "retries": 0, "pid": me, "t": now - 0.1},
              {"event": "done", "id": "b", "retries": 0, "pid": me, "t": now - 0.05},
              {"event": "task", "id": "c", "retries": 0, "pid": 1, "t": now - 0.01}]  # not the worker's
    assert [e["id"] for _, e in busy_pids(events, me, recent_s=5)] == ["a"]
