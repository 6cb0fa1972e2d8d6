"""Report data for the report tests: every optional section filled, or none."""

from __future__ import annotations

import random
from typing import Any

from hdrh.histogram import HdrHistogram

from harness.findings import Finding, Severity
from harness.report import CheckRecord, RunReport

T0 = 1_795_000_000.0
CURL = ("curl -sS -X POST http://127.0.0.1:8000/webhook/monday -H 'Content-Type: application/json' "
        "--data-binary @payloads/corpus/create_item.json")


def findings() -> list[Finding]:
    return [
        Finding("routing.route_reaches_queue", "ai_agent_background.generate_code", Severity.CRITICAL,
                "routing key ai.generate.code reaches no queue", "a binding on ai_agent matching ai.generate.code",
                "ai_generation is bound with ai.*, which matches one word only",
                f"harness run --target seed --quick\n{CURL}"),
        Finding("webhook.priority", "ai_agent_background.run_tests", Severity.LOW, "priority 3 not set",
                "priority 3", "priority None", "payload file payloads/corpus/run_tests.json"),
    ]


def base_report(target: str = "seed") -> RunReport:
    report = RunReport(target, Severity.HIGH, 5.0, run_id="20260101-000000-abcdef")
    report.services = {"broker": "external", "database": "external"}
    report.target_runtime = {"python": "3.11.2", "celery": "5.4.0"}
    critical, low = findings()
    report.add(CheckRecord("routing.route_reaches_queue", "ai_agent_background.generate_code", "failed", 0.8),
               (critical,))
    report.add(CheckRecord("webhook.priority", "ai_agent_background.run_tests", "failed", 0.2), (low,))
    report.add(CheckRecord("routing.route_reaches_queue", "ai_agent_background.run_tests", "passed", 0.1))
    report.add(CheckRecord("oauth.token_refresh", "target", "skipped", 0.0,
                           "the OAuth suite runs only with --oauth-test"))
    return report


def hdr_of(values: list[int]) -> str:
    histogram = HdrHistogram(1, 60_000_000, 3)
    for value in values:
        histogram.record_value(value)
    return histogram.encode().decode()


def latency(seed: int = 7, scale: float = 1.0) -> dict[str, Any]:
    rng = random.Random(seed)
    values = [int(rng.lognormvariate(6.8, 0.45) * scale) for _ in range(20_000)]
    ordered = sorted(values)

    def pct(q: float) -> int:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    series = [[T0 + 2 + s, pct(0.5) + rng.randint(-40, 40), pct(0.99) + rng.randint(-200, 200)] for s in range(60)]
    return {"webhook_to_queue_us": {"count": len(values), "p50": pct(0.5), "p95": pct(0.95), "p99": pct(0.99),
                                    "max": ordered[-1]},
            "floor_publish_to_queue_us": {"p50": 310, "p99": 720}, "rate_rps": 200.0, "slo_p99_ms": 5.0,
            "hdr": [hdr_of(values[:10_000]), hdr_of(values[10_000:])], "series": series}


def timeline(seconds: int = 64) -> list[dict[str, Any]]:
    samples = []
    for s in range(seconds):
        backlog = max(0, 40 - abs(s - 30) * 3) if 25 <= s <= 45 else s % 3
        queues = {"webhooks": {"messages": backlog, "ready": backlog, "unacked": 0, "consumers": 1,
                               "publish_rps": 200.0, "deliver_rps": 198.0},
                  "workflows": {"messages": backlog // 2, "ready": backlog // 2, "unacked": 0, "consumers": 1,
                                "publish_rps": 20.0, "deliver_rps": 20.0},
                  "harness.tap.ai_agent.webhooks.abc": {"messages": 0, "ready": 0, "unacked": 0, "consumers": 1,
                                                        "publish_rps": 200.0, "deliver_rps": 200.0}}
        samples.append({"t": T0 + s, "queues": queues, "connections": 4, "consumers": 3,
                        "memory_bytes": 140_000_000 + s * 250_000, "publish_rps": 220.0,
                        "deliver_rps": 218.0 if not 25 <= s <= 30 else 0.0, "ack_rps": 218.0})
    return samples


def reliability() -> dict[str, Any]:
    return {"ledger": {"published": 12000, "delivered": 11998, "dead_lettered": 2, "lost": 0, "duplicated": 3},
            "faults": [{"t": T0 + 25, "end": T0 + 31, "kind": "kill_worker", "detail": "SIGKILL to the worker"},
                       {"t": T0 + 40, "end": None, "kind": "broker_connection_drop", "detail": "closed 2 connections"}]}


def full_report() -> RunReport:
    report = base_report()
    report.latency, report.timeline, report.reliability = latency(), timeline(), reliability()
    return report
