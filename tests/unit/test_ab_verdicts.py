"""The claims table's verdicts on recorded comparisons: capability and configuration apart, n/a never a win.

``seed_run`` rebuilds, check by check, the rows of issue 18's ``harness ab --target seed`` as they came out
(Fiabilité Redis 3 passed, 2 failed, 1 n/a against RabbitMQ 3 passed, 3 failed; Dead Letter Queues 0 passed
on both; Routing the same on common checks with more n/a on Redis; p99 7.13 and 6.10 ms over floors of
3.79 and 3.06 ms). ``reference_run`` is the reference target, passing everything that applies.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.ab.claims import Capability, Evidence, claims_table
from harness.ab.runner import compare
from harness.ab.sides import side_by_side
from harness.findings import NOT_APPLICABLE
from harness.report.ab_html import write_ab_html
from tests.unit.test_ab_compare import check, finding

BROKERS = ("redis", "rabbitmq")
TASKS = ("process_monday_webhook", "execute_workflow", "generate_code", "run_tests", "send_to_dead_letter_queue")
HOOK = "ai_agent_background.process_monday_webhook"
NA = f"{NOT_APPLICABLE} redis: a RabbitMQ feature"
PROBE = {"ttl_ms": 1000, "cases": [], "errors": {}, "fates": {
    "redis": {"x-message-ttl": "kept", "x-message-ttl + x-dead-letter-exchange": "kept",
              "per-message expiration": "kept", "x-expires (idle queue)": "dropped",
              "rejected + x-dead-letter-exchange": "dropped"},
    "rabbitmq": {"x-message-ttl": "dropped", "x-message-ttl + x-dead-letter-exchange": "dead-lettered",
                 "per-message expiration": "dropped", "x-expires (idle queue)": "dropped",
                 "rejected + x-dead-letter-exchange": "dead-lettered"}}}


def outcomes(broker: str, table: list[tuple[str, str, str, str]]) -> list[dict[str, Any]]:
    """One check per (id, subject, Redis status, RabbitMQ status); "n/a" is a skip with the n/a reason."""
    made = []
    for check_id, subject, redis, rabbit in table:
        status = redis if broker == "redis" else rabbit
        made.append(check(check_id, subject, "skipped", NA) if status == "n/a" else check(check_id, subject, status))
    return made


def seed_table() -> list[tuple[str, str, str, str]]:
    routing = [("routing.route_key_matches_binding", f"ai_agent_background.{t}", "n/a",
                "failed" if t == "generate_code" else "passed") for t in TASKS]
    routing += [("routing.route_reaches_queue", f"ai_agent_background.{t}", *(("failed",) * 2 if t == "generate_code"
                                                                              else ("passed",) * 2)) for t in TASKS]
    return [*routing,
            ("routing.webhook_enqueues_to_queue", "POST /webhook/monday", "passed", "passed"),
            ("routing.publish_is_loss_safe", "ai_agent", "failed", "failed"),
            ("topology.dead_letter_path_declared", "dlq", "n/a", "failed"),
            ("topology.ttl_does_not_drop_work", "webhooks", "n/a", "passed"),
            ("acks.sigkill_mid_task_loses_nothing", HOOK, "passed", "passed"),
            ("acks.worker_survives_consumer_timeout", HOOK, "n/a", "failed"),
            ("results.every_execution_has_a_row", "celery_taskmeta", "passed", "passed"),
            ("results.no_enqueued_task_is_lost", "published by the harness", "failed", "failed"),
            ("dead_letters.dead_letters_after_max_retries", HOOK, "failed", "failed"),
            ("dead_letters.dlq_has_no_consumer", "dlq", "skipped", "skipped"),
            ("dead_letters.failure_handling_outside_task_body", HOOK, "failed", "failed"),
            ("dead_letters.crash_loop_is_bounded", HOOK, "failed", "failed"),
            ("latency.webhooks_reach_queue", "POST /webhook/monday", "passed", "passed")]


def reference_table() -> list[tuple[str, str, str, str]]:
    return [(check_id, subject, "n/a" if redis == "n/a" else "passed", "passed")
            for check_id, subject, redis, _ in seed_table()]


def latency(p50: float, p99: float, floor_p50: float, floor_p99: float) -> dict[str, Any]:
    return {"webhook_to_queue_us": {"count": 3000, "p50": p50, "p99": p99, "max": p99 * 2},
            "floor_publish_to_queue_us": {"p50": floor_p50, "p99": floor_p99}, "rate_rps": 50, "slo_p99_ms": 5.0}


def run(table: list[tuple[str, str, str, str]], target: str) -> dict[str, dict[str, Any]]:
    figures = {"redis": latency(2900, 7130, 1600, 3790), "rabbitmq": latency(2500, 6100, 1300, 3060)}
    return {b: {"target": target, "verdict": "fail", "fail_at": "high", "checks": outcomes(b, table),
                "findings": [], "latency": figures[b], "timeline": [{"t": 1}] if b == "rabbitmq" else [],
                "target_runtime": {"python": "3.11", "celery": "5.7.0"}, "services": {"broker_kind": b}}
            for b in BROKERS}


def with_findings(reports: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each failed check's finding, as the gate records it."""
    for report in reports.values():
        report["findings"] = [finding(c["id"], c["subject"]) for c in report["checks"] if c["status"] == "failed"]
    return reports


def seed_claims(capability: bool = True, probe: dict[str, Any] | None = PROBE) -> dict[str, dict[str, Any]]:
    reports = with_findings(run(seed_table(), "seed"))
    answers = Capability.of(run(reference_table(), "reference"), "reference on both brokers") if capability \
        else Capability()
    return {c["criterion"]: c for c in claims_table(Evidence(reports, side_by_side(reports), BROKERS, answers, probe))}


def test_reliability_is_not_won_by_fewer_na() -> None:
    """Was "confirmed" (RabbitMQ) on "the same on common checks; fewer n/a" with RabbitMQ failing more."""
    row = seed_claims()["Fiabilité"]
    configured = row["configured"]
    assert configured["verdict"] == "not shown" and configured["winner"] == "tie"
    assert configured["measured"]["redis"] == "3 passed, 2 failed of 5 run on both; 1 n/a (not counted)"
    assert configured["measured"]["rabbitmq"] == "3 passed, 2 failed of 5 run on both"
    assert "acks.worker_survives_consumer_timeout (n/a on redis, failed on rabbitmq)" in configured["evidence"]
    assert row["capability"]["verdict"] == "not shown" and row["verdict"] == "not shown"


def test_dead_letters_with_nothing_passing_is_never_confirmed() -> None:
    """Was "confirmed" with 0 passed on both brokers."""
    row = seed_claims()["Dead Letter Queues"]
    configured, capability = row["configured"], row["capability"]
    assert configured["verdict"] == "not working on either broker" and configured["winner"] == "tie"
    assert configured["evidence"].startswith("dead-letter checks: not working on either broker: "
                                             f"dead_letters.dead_letters_after_max_retries [{HOOK}] (redis: failed, "
                                             "dead_letters.dead_letters_after_max_retries broke; rabbitmq: failed, ")
    assert "3 checks ran on both, Redis passed 0, RabbitMQ passed 0" in configured["evidence"]
    assert {c["check"] for c in configured["checks"]} >= {f"dead_letters.crash_loop_is_bounded [{HOOK}]",
                                                          "topology.dead_letter_path_declared [dlq]"}
    assert capability["winner"] == "RabbitMQ"
    assert ("Redis has no dead-letter exchange (topology.dead_letter_path_declared [dlq]: n/a on redis, passed on "
            "rabbitmq)") in capability["evidence"]
    assert ("Redis has no dead-letter exchange: a rejected task was dropped (probe: rejected + x-dead-letter-exchange: "
            "dropped on redis, dead-lettered on rabbitmq)") in capability["evidence"]
    # the claim marks Redis ❌, but a DLQ the application feeds itself passed there
    assert capability["verdict"] == "partly confirmed" and "marks Redis ❌" in capability["evidence"]
    assert row["verdict"] == "capability partly confirmed; as configured: not working on either broker"
    counted = {c["check"]: c["counted"] for c in capability["checks"]}
    assert counted["topology.dead_letter_path_declared [dlq]"] == "feature"
    assert counted["probe: rejected + x-dead-letter-exchange"] == "feature"


def test_dead_letters_stay_not_working_beside_a_passing_hygiene_check() -> None:
    """The repeated run: dlq_has_no_consumer passed on both (nobody consumes an empty DLQ), nothing reached it."""
    table = [(i, s, "passed", "passed") if i == "dead_letters.dlq_has_no_consumer" else (i, s, r, q)
             for i, s, r, q in seed_table()]
    reports = run(table, "seed")
    row = claims_table(Evidence(reports, side_by_side(reports), BROKERS))[5]
    assert row["criterion"] == "Dead Letter Queues" and row["configured"]["verdict"] == "not working on either broker"


def test_a_capability_difference_names_the_check_and_why() -> None:
    reference = reference_table()
    reference = [(i, s, "failed" if i == "routing.publish_is_loss_safe" else r, q) for i, s, r, q in reference]
    answers = Capability.of(with_findings(run(reference, "reference")), "reference on both brokers")
    reports = run(seed_table(), "seed")
    row = claims_table(Evidence(reports, side_by_side(reports), BROKERS, answers))[4]
    capability = row["capability"]
    assert row["criterion"] == "Routing Avancé" and capability["winner"] == "RabbitMQ"
    assert ("they differ on routing.publish_is_loss_safe [ai_agent] (redis: failed, routing.publish_is_loss_safe "
            "broke; rabbitmq: passed; why: the safety net is a different feature") in capability["evidence"]
    assert "unless the transport option deadletter_queue is set" in capability["evidence"]


def test_routing_is_decided_by_checks_both_ran() -> None:
    """Was "confirmed" on the same "fewer n/a" argument: route_key_matches_binding cannot run on Redis."""
    row = seed_claims()["Routing Avancé"]
    assert row["configured"]["verdict"] == "not shown" and row["capability"]["verdict"] == "not shown"
    assert "5× routing.route_key_matches_binding (n/a on redis, passed on rabbitmq)" in row["capability"]["evidence"]
    assert ("4× routing.route_key_matches_binding (n/a on redis, passed on rabbitmq), "
            "routing.route_key_matches_binding (n/a on redis, failed on rabbitmq)") in row["configured"]["evidence"]
    assert row["verdict"] == "not shown"


def test_a_claim_under_the_floor_is_not_resolvable() -> None:
    """Was "contradicted": 7.13 ms over 1 ms and 6.10 ms over 5 ms, beside floors of 3.79 and 3.06 ms."""
    row = seed_claims()["Performance"]
    capability, configured = row["capability"], row["configured"]
    assert capability["verdict"] == "not resolvable on this machine"
    assert "Redis < 1 ms: not resolvable on this machine (floor p99 3.79 ms)" in capability["evidence"]
    assert "RabbitMQ < 5 ms: within (floor p99 3.06 ms)" in capability["evidence"]
    assert capability["winner"] == "RabbitMQ"  # lower floor on p50 and p99
    # the latency gate's rule: 6.10 ms over 5 ms beside a floor within it fails; the 1 ms claim sits under Redis's
    # own floor, so nothing here could show it
    assert configured["verdict"] == "contradicted"
    assert "Redis < 1 ms: not resolvable on this machine (the floor's own p99 3.79 ms is over the claimed 1 ms)" \
        in configured["evidence"]
    assert "while the floor's p99 is 3.060 ms" in configured["evidence"]


def test_an_excess_the_floor_explains_is_not_resolvable_as_configured() -> None:
    reports = run(seed_table(), "seed")
    reports["redis"]["latency"] = latency(2900, 4500, 2000, 3790)  # adds 0.71 ms to a floor over 1 ms
    reports["rabbitmq"]["latency"] = latency(2500, 4000, 1300, 3060)
    row = claims_table(Evidence(reports, side_by_side(reports), BROKERS))[0]
    assert row["configured"]["verdict"] == "not resolvable on this machine"
    assert "Redis < 1 ms: not resolvable on this machine (the floor's own p99 3.79 ms is over the claimed 1 ms)" \
        in row["configured"]["evidence"]


def test_performance_within_both_claims_follows_the_ranking() -> None:
    reports = run(seed_table(), "seed")
    reports["redis"]["latency"] = latency(300, 800, 200, 500)
    reports["rabbitmq"]["latency"] = latency(900, 2500, 400, 900)
    row = claims_table(Evidence(reports, side_by_side(reports), BROKERS))[0]
    assert row["capability"]["verdict"] == "confirmed" and row["configured"]["verdict"] == "confirmed"


def test_ttl_is_measured_by_the_probe() -> None:
    """Was "not measured"."""
    row = seed_claims()["Message TTL"]
    capability = row["capability"]
    assert capability["verdict"] == "confirmed" and capability["winner"] == "RabbitMQ"
    assert "on RabbitMQ an expired task is dropped, or dead-lettered" in capability["evidence"]
    assert "on Redis an expired task is kept and runs late" in capability["evidence"]
    assert "x-expires acts, and it dropped the whole idle queue" in capability["evidence"]
    assert row["configured"]["verdict"] == "not used by the target"
    assert row["verdict"] == "capability confirmed; as configured: not used by the target"


def test_a_target_ttl_that_works_on_rabbitmq_wins_there() -> None:
    reports = run(seed_table(), "seed")
    ttl = next(c for c in reports["rabbitmq"]["checks"] if c["id"] == "topology.ttl_does_not_drop_work")
    ttl["reason"] = "a task that waited 2 s (the TTL) in webhooks was dead-lettered into dlq, where people look"
    row = {c["criterion"]: c for c in claims_table(Evidence(reports, side_by_side(reports), BROKERS))}["Message TTL"]
    assert row["configured"]["verdict"] == "confirmed" and "dead-lettered into dlq" in row["configured"]["evidence"]


def test_a_target_ttl_that_drops_work_is_not_working() -> None:
    reports = run(seed_table(), "seed")
    ttl = next(c for c in reports["rabbitmq"]["checks"] if c["id"] == "topology.ttl_does_not_drop_work")
    ttl["status"] = "failed"
    reports["rabbitmq"]["findings"] = [{**finding(ttl["id"], "webhooks"), "title":
                                        "work that waits longer than 2 s in webhooks is lost"}]
    row = {c["criterion"]: c for c in claims_table(Evidence(reports, side_by_side(reports), BROKERS))}["Message TTL"]
    assert row["configured"]["verdict"] == "not working on either broker"
    assert "webhooks: work that waits longer than 2 s in webhooks is lost" in row["configured"]["measured"]["rabbitmq"]


def test_without_a_probe_or_capability_run_the_answers_say_so() -> None:
    claims = seed_claims(capability=False, probe=None)
    assert claims["Message TTL"]["capability"]["verdict"] == "not measured"
    assert "the probe did not run" in claims["Message TTL"]["capability"]["evidence"]
    dlq = claims["Dead Letter Queues"]["capability"]
    assert dlq["verdict"] == "not measured" and dlq["evidence"].startswith("no capability run: ")


def test_messaging_capability_names_the_dead_letter_exchange() -> None:
    row = seed_claims()["Fonctionnalités Messaging"]["capability"]
    assert row["verdict"] == "confirmed" and row["winner"] == "RabbitMQ"
    assert "Redis has no dead-letter exchange" in row["evidence"]


def test_compare_carries_the_capability_source_and_the_probe() -> None:
    comparison = compare(run(seed_table(), "seed"), "r", Capability.of(run(reference_table(), "reference"),
                                                                      "reference on both brokers (capability/)"),
                         PROBE)
    ab = comparison["ab"]
    assert ab["capability"]["source"] == "reference on both brokers (capability/)"
    assert ab["capability"]["verdicts"] == {"redis": "fail", "rabbitmq": "fail"}
    assert ab["probe"] is PROBE


def test_the_page_shows_both_answers_of_every_row(tmp_path: Path) -> None:
    comparison = compare(run(seed_table(), "seed"), "r", Capability.of(run(reference_table(), "reference"),
                                                                      "reference on both brokers (capability/)"),
                         PROBE)
    page = write_ab_html(comparison, tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.count('<tr class="claim">') == 8
    assert page.count('<td class="capability">') == 8 and page.count('<td class="configured">') == 8
    assert "capability partly confirmed; as configured: not working on either broker" in page
    assert "probe: rejected + x-dead-letter-exchange" in page and "not resolvable on this machine" in page
