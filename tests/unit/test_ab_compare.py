"""harness ab's comparison on report dicts: outcomes side by side, behaviour changes, the claims table."""

from __future__ import annotations

from typing import Any

from harness.ab.claims import DOCUMENT_TABLE, Evidence, claims_table
from harness.ab.runner import compare
from harness.ab.sides import IMPROVEMENT, ONE_SIDED, REGRESSION, SAME, side_by_side
from harness.findings import NOT_APPLICABLE

ROUTE = "routing.route_reaches_queue"
GENERATE = "ai_agent_background.generate_code"


def check(check_id: str, subject: str, status: str, reason: str = "") -> dict[str, Any]:
    return {"id": check_id, "subject": subject, "status": status, "duration_s": 0.1, "reason": reason}


def finding(check_id: str, subject: str, severity: str = "critical") -> dict[str, Any]:
    return {"check": check_id, "subject": subject, "severity": severity, "title": f"{check_id} broke",
            "expected": "e", "observed": "o", "reproduce": "r"}


def report(checks: list[dict[str, Any]], findings: list[dict[str, Any]], verdict: str = "pass",
           p99_us: float | None = None) -> dict[str, Any]:
    latency = {"webhook_to_queue_us": {"count": 100, "p50": p99_us and p99_us / 2, "p99": p99_us, "max": p99_us},
               "floor_publish_to_queue_us": {"p50": 300, "p99": 900}, "rate_rps": 50, "slo_p99_ms": 5.0}
    return {"target": "seed", "verdict": verdict, "fail_at": "high", "checks": checks, "findings": findings,
            "latency": latency, "services": {}, "target_runtime": {}, "timeline": [{"t": 1}] if verdict else []}


def seed_like() -> dict[str, dict[str, Any]]:
    """Redis routes generate_code (old kombu's '*'), RabbitMQ drops it; topology is n/a on Redis."""
    na = f"{NOT_APPLICABLE} redis: a RabbitMQ feature"
    redis = report([check(ROUTE, GENERATE, "passed"), check("topology.queue_is_durable", "webhooks", "skipped", na),
                    check("priority.backlog_consumed_highest_first", "webhooks", "failed")],
                   [finding("priority.backlog_consumed_highest_first", "webhooks", "high")], "fail", 1500)
    rabbit = report([check(ROUTE, GENERATE, "failed"), check("topology.queue_is_durable", "webhooks", "passed"),
                     check("priority.backlog_consumed_highest_first", "webhooks", "passed")],
                    [finding(ROUTE, GENERATE)], "fail", 3000)
    return {"redis": redis, "rabbitmq": rabbit}


def test_each_check_gets_its_change_between_the_brokers() -> None:
    rows = {r.check: r for r in side_by_side(seed_like())}
    assert rows[ROUTE].change("redis", "rabbitmq") == REGRESSION
    assert rows["priority.backlog_consumed_highest_first"].change("redis", "rabbitmq") == IMPROVEMENT
    assert rows["topology.queue_is_durable"].change("redis", "rabbitmq") == ONE_SIDED
    assert rows["topology.queue_is_durable"].outcomes["redis"].status == "n/a"
    assert rows[ROUTE].outcomes["rabbitmq"].findings[0]["check"] == ROUTE


def test_a_regression_is_a_gating_finding_with_its_explanation() -> None:
    comparison = compare(seed_like(), "harness ab --target seed")
    regression = next(f for f in comparison["findings"] if ROUTE in f["subject"])
    assert regression["severity"] == "critical"
    assert regression["title"] == f"{ROUTE} passes on redis but fails on rabbitmq"
    assert "exactly one word" in regression["observed"] and regression["reproduce"] == "harness ab --target seed"
    improvement = next(f for f in comparison["findings"] if "priority" in f["subject"])
    assert improvement["severity"] == "low" and "step 0 first" in improvement["observed"]
    assert comparison["verdict"] == "fail"


def test_the_same_outcome_on_both_brokers_is_no_finding() -> None:
    same = report([check(ROUTE, GENERATE, "failed")], [finding(ROUTE, GENERATE)], "fail")
    comparison = compare({"redis": same, "rabbitmq": same}, "r")
    assert comparison["findings"] == [] and comparison["ab"]["checks"][0]["change"] == SAME


def test_a_passing_destination_without_regressions_passes() -> None:
    redis = report([check(ROUTE, GENERATE, "failed")], [finding(ROUTE, GENERATE)], "fail")
    rabbit = report([check(ROUTE, GENERATE, "passed")], [], "pass")
    assert compare({"redis": redis, "rabbitmq": rabbit}, "r")["verdict"] == "pass"


def test_the_claims_table_follows_the_document_row_by_row() -> None:
    comparison = compare(seed_like(), "r")
    claims = comparison["ab"]["claims"]
    assert [c["criterion"] for c in claims] == [c.criterion for c in DOCUMENT_TABLE]
    assert [c["criterion"] for c in claims] == ["Performance", "Fiabilité", "Fonctionnalités Messaging",
                                                 "Monitoring", "Routing Avancé", "Dead Letter Queues",
                                                 "Message TTL", "Clustering"]
    assert all({"capability", "configured", "verdict"} <= set(c) for c in claims)
    performance = claims[0]["configured"]
    assert "p99 1.50 ms" in performance["measured"]["redis"] and "p99 3.00 ms" in performance["measured"]["rabbitmq"]
    assert "Redis < 1 ms: contradicted" in performance["evidence"]
    assert "RabbitMQ < 5 ms: within" in performance["evidence"]
    routing = next(c for c in claims if c["criterion"] == "Routing Avancé")["configured"]
    assert routing["winner"] == "Redis" and routing["verdict"] == "contradicted"
    assert {c["verdict"] for c in claims if c["criterion"] in ("Message TTL", "Clustering")} == {"not measured"}


def test_without_a_load_phase_performance_is_not_measured() -> None:
    reports = seed_like()
    for r in reports.values():
        r["latency"]["webhook_to_queue_us"]["p99"] = None
        r["latency"]["floor_publish_to_queue_us"]["p99"] = None
    rows = side_by_side(reports)
    performance = claims_table(Evidence(reports, rows, ("redis", "rabbitmq")))[0]
    assert performance["verdict"] == "not measured" and "load phase" in performance["configured"]["evidence"]
