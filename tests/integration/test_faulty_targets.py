"""Each faulty target violates one property; the check for it must catch it, and no unrelated check may.

Every row names the target, whether the full suite is needed, the checks that must report it, and the
checks that may also report it because they look at the same property from another side. Each target runs
once, with only the suites of those checks, and routing's for traffic (``-- -k``): the checks' judgement is
proven on recorded evidence (tests/unit/test_evidence_*), the reference and the seed run every suite, and
these runs prove the wiring from a real defect to its finding.
"""

from __future__ import annotations

import pytest

from tests.conftest import TARGETS
from tests.leftovers import CLEAN, run_id_in, settled

pytestmark = [pytest.mark.live, pytest.mark.slow]
FAILS_GATE = ("high", "critical")

CASES = [
    ("transient_messages", True, {"topology.messages_are_persistent"}, set()),
    ("non_durable_queue", True, {"topology.queue_is_durable"}, set()),
    ("no_max_priority", True, {"topology.max_priority_covers_priorities", "priority.backlog_consumed_highest_first"},
     set()),
    ("prefetch_four", False, {"priority.worker_settings_keep_priority"},
     {"priority.webhook_not_starved_by_backlog", "priority.backlog_consumed_highest_first"}),
    ("two_retries", True,
     {"retries.declared_policy_matches_contract", "retries.failing_task_runs_max_retries_plus_one"}, set()),
    ("dlq_in_body", True, {"dead_letters.dead_letters_after_max_retries",
                           "dead_letters.failure_handling_outside_task_body"}, set()),
    ("dlq_consumed", True, {"dead_letters.dead_letters_after_max_retries", "dead_letters.dlq_has_no_consumer"},
     {"topology.no_queue_without_consumers"}),
    ("crash_loop", False, {"dead_letters.crash_loop_is_bounded"}, set()),
    ("successes_not_stored", True, {"results.every_execution_has_a_row"}, {"results.no_enqueued_task_is_lost"}),
    # early acks free the prefetch slot as a task starts, so the worker reserves a second message
    # per process: a webhook then waits behind up to two tests, near the bound on a busy machine
    ("early_ack", False, {"acks.sigkill_mid_task_loses_nothing"},
     {"dead_letters.crash_loop_is_bounded", "priority.webhook_not_starved_by_backlog"}),
    ("unconfirmed_publish", True, {"routing.publish_is_loss_safe"}, set()),
    ("unconsumed_queue", True, {"topology.no_queue_without_consumers"}, {"results.no_enqueued_task_is_lost"}),
    # the static routing check reads the same missing binding from the configuration
    ("own_exchange", True, {"topology.queue_bound_to_exchange"}, {"routing.route_key_matches_binding"}),
    ("backoff_countdown", True, {"retries.retries_follow_declared_countdown"}, set()),
    # the dead letter's error is the final exception, so it loses the original too
    ("generic_final_error", True, {"retries.final_failure_keeps_original_exception"},
     {"dead_letters.dead_letters_after_max_retries"}),
]

# Checks that change the broker's settings run only on a node the harness started (--services local).
LOCAL_CASES = [
    ("channel_error_exits", False, {"acks.worker_survives_consumer_timeout"}, set()),
]

# Properties of the Redis transport, run with --broker redis. On Redis the reference itself loses two checks
# (priority steps are inverted; no alternate exchange), so those may fire there too.
ON_REDIS = {"priority.backlog_consumed_highest_first", "routing.publish_is_loss_safe"}
REDIS_CASES = [
    ("short_visibility", True, {"retries.countdown_within_visibility_timeout"}, ON_REDIS),
    ("dlq_consumed", True, {"dead_letters.dead_letters_after_max_retries", "dead_letters.dlq_has_no_consumer"},
     ON_REDIS | {"topology.no_queue_without_consumers"}),
]


@pytest.mark.parametrize("name,quick,must,may", CASES, ids=[c[0] for c in CASES])
def test_faulty_target_is_caught_by_its_check_only(harness, name: str, quick: bool, must: set[str],
                                                   may: set[str]) -> None:
    assert_caught_only(harness, name, quick, must, may, "external")


@pytest.mark.parametrize("name,quick,must,may", LOCAL_CASES, ids=[c[0] for c in LOCAL_CASES])
def test_faulty_target_on_local_broker_is_caught_by_its_check_only(harness, name: str, quick: bool,
                                                                   must: set[str], may: set[str]) -> None:
    assert_caught_only(harness, name, quick, must, may, "local")


@pytest.mark.parametrize("name,quick,must,may", REDIS_CASES, ids=[c[0] for c in REDIS_CASES])
def test_faulty_target_on_redis_is_caught_by_its_check_only(harness, name: str, quick: bool,
                                                            must: set[str], may: set[str]) -> None:
    assert_caught_only(harness, name, quick, must, may, "external", "--broker", "redis")


def suites_of(checks: set[str]) -> str:
    """The ``-k`` expression selecting the suites (scenarios/test_<family>.py) of the given checks, and the
    routing suite, whose tasks are the traffic that persistence, consumer and result checks judge."""
    return " or ".join(sorted({"routing"} | {check.split(".")[0] for check in checks}))


def assert_caught_only(harness, name: str, quick: bool, must: set[str], may: set[str],
                       services: str, *more: str) -> None:
    run = harness("run", "--target", str(TARGETS / f"{name}_target.py"), "--services", services, "--no-load",
                  *(["--quick"] if quick else []), *more, "--", "-k", suites_of(must | may - ON_REDIS))
    found = {f["check"] for f in run.findings()}
    # the gate fails at the contract's fail_at (high); a medium finding alone is reported and exits 0
    severe = any(f["severity"] in FAILS_GATE for f in run.findings())
    assert run.code == (1 if severe else 0), run.stdout[-3000:]
    assert must <= found, f"missed: {must - found}"
    assert found <= must | may, f"unrelated checks also failed: {found - must - may}"
    for finding in run.findings():
        assert finding["expected"] and finding["observed"] and finding["reproduce"]


def test_task_events_are_named_not_judged_as_task_messages(harness) -> None:
    """The counterpart of transient_messages: Celery's event messages (celeryev, transient by design) are
    not task messages; the persistence check passes and names them."""
    run = harness("run", "--target", str(TARGETS / "task_events_target.py"), "--services", "external", "--no-load",
                  "--", "-k", "routing or messages_are_persistent")
    assert run.code == 0, run.stdout[-3000:]
    [check] = [c for c in run.report["checks"] if c["id"] == "topology.messages_are_persistent"]
    assert check["status"] == "passed" and "event messages on celeryev" in check["reason"], check


@pytest.mark.parametrize("services,status", [("local", "passed"), ("external", "skipped")])
def test_reference_survives_consumer_timeout(harness, services: str, status: str) -> None:
    """It passes on a node the harness started, and says why it cannot run on one it did not. The local run
    also proves the local back-end: its servers start, the reference passes, and none is left running."""
    run = harness("run", "--target", "reference", "--services", services, "--no-load", "--",
                  "-k", "worker_survives_consumer_timeout")
    assert run.code == 0, run.stdout[-3000:]
    [check] = [c for c in run.report["checks"] if c["id"] == "acks.worker_survives_consumer_timeout"]
    assert check["status"] == status, check
    assert run.report["services"]["broker"] == services and run.report["findings"] == []
    assert settled(run_id_in(run.stdout)) == CLEAN  # local servers carry the run's id: processes_of finds them
    if status == "skipped":
        assert "--services local" in check["reason"]


def test_redis_checks_fail_on_seed_and_pass_where_the_target_is_safe(harness) -> None:
    """The Redis versions of three checks: each names the seed's defect, and the loss-safety one passes on a
    target that sets kombu's deadletter_queue."""
    seed = harness("run", "--target", "seed", "--broker", "redis", "--services", "external", "--no-load", "--quick")
    assert seed.code == 1, seed.stdout[-3000:]
    titles = {(f["check"], f["subject"]): f for f in seed.findings()}
    dropped = titles[("routing.route_reaches_queue", "ai_agent_background.generate_code")]
    assert dropped["severity"] == "critical" and "dropped the message" in dropped["observed"]
    assert "celery" in titles[("topology.no_queue_without_consumers", "celery")]["subject"]
    assert ("routing.publish_is_loss_safe", "ai_agent") in titles
    safe = harness("run", "--target", str(TARGETS / "redis_deadletter_target.py"), "--broker", "redis",
                   "--services", "external", "--no-load", "--quick")
    checks = {c["id"]: c["status"] for c in safe.report["checks"]}
    assert checks["routing.publish_is_loss_safe"] == "passed", safe.stdout[-3000:]
    assert checks["topology.no_queue_without_consumers"] == "passed"
