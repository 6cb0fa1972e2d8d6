"""The gate end to end against real RabbitMQ, PostgreSQL, Celery workers and uvicorn (external servers)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from harness.findings import NOT_APPLICABLE
from tests.conftest import OLD_PYTHON, TARGETS
from tests.leftovers import CLEAN, run_id_in, settled

pytestmark = [pytest.mark.live, pytest.mark.slow]
EXT = ("--services", "external", "--no-load")  # latency has its own tests (test_latency_*)
NO_QUEUE = "routing key ai.generate.code reaches no queue"


def not_applicable(check: dict[str, str]) -> bool:
    return check["status"] == "skipped" and check.get("reason", "").startswith(NOT_APPLICABLE)


def test_seed_fails_with_generate_code_reaching_no_queue(harness) -> None:
    run = harness("run", "--target", "seed", "--quick", *EXT)
    assert run.code == 1, run.stderr
    report = run.report
    assert report["verdict"] == "fail"
    titles = {(f["check"], f["subject"], f["title"]) for f in report["findings"]}
    for check in ("routing.route_key_matches_binding", "routing.route_reaches_queue"):
        assert (check, "ai_agent_background.generate_code", NO_QUEUE) in titles
    finding = run.findings("routing.route_reaches_queue")[0]
    assert finding["severity"] == "critical" and finding["expected"] and finding["observed"] and finding["reproduce"]


ONE_NODE = {"replication.queue_is_replicated", "replication.quorum_accepts_settings",
            "replication.worker_qos_fits_quorum"}


def test_reference_passes_with_no_findings(harness) -> None:
    run = harness("run", "--target", "reference", "--quick", *EXT)
    assert run.code == 0, run.stdout[-2000:]
    report = run.report
    assert report["verdict"] == "pass" and report["findings"] == []
    skipped = {c["id"] for c in report["checks"] if c["status"] == "skipped" and not not_applicable(c)}
    assert {c["status"] for c in report["checks"]} <= {"passed", "skipped"}
    assert skipped <= {"latency.webhook_to_queue_p99_under_slo",  # left out by --no-load, with its reason
                       *ONE_NODE}  # one broker node: nothing to replicate to (test_cluster.py runs them on three)
    # n/a: a Redis-only property on RabbitMQ
    assert {c["id"] for c in report["checks"] if not_applicable(c)} == {"retries.countdown_within_visibility_timeout"}
    assert set(report) >= {"target", "verdict", "checks", "findings", "latency", "services"}
    assert (run.report_dir / report["run_id"] / "junit.xml").is_file()
    assert settled(run_id_in(run.stdout)) == CLEAN  # a passing run leaves nothing behind


def test_wrong_route_is_caught_statically_and_live(harness) -> None:
    run = harness("run", "--target", str(TARGETS / "wrong_queue_target.py"), "--quick", *EXT)
    assert run.code == 1
    subjects = {(f["check"], f["subject"]) for f in run.findings()}
    assert subjects == {("routing.route_key_matches_binding", "ai_agent_background.generate_code"),
                        ("routing.route_reaches_queue", "ai_agent_background.generate_code")}
    live = run.findings("routing.route_reaches_queue")[0]
    assert "tests" in live["observed"]
    assert settled(run_id_in(run.stdout)) == CLEAN  # a failing run leaves nothing behind either


def test_catch_all_binding_elsewhere_is_caught(harness) -> None:
    run = harness("run", "--target", str(TARGETS / "hash_binding_elsewhere_target.py"), "--quick", *EXT)
    live = run.findings("routing.route_reaches_queue")
    assert live and all(f["severity"] == "medium" and "tests" in f["observed"] for f in live)
    assert {f["subject"] for f in live} >= {"ai_agent_background.generate_code"}
    # Every task also lands in tests and runs twice, which the retry and DLQ counts then show.
    assert run.code == 1
    assert {f["check"] for f in run.findings() if f["severity"] != "medium"} <= {
        "retries.failing_task_runs_max_retries_plus_one", "dead_letters.dead_letters_after_max_retries",
        "priority.backlog_consumed_highest_first", "retries.retries_follow_declared_countdown"}


def test_webhook_that_does_not_enqueue_the_workflow_is_caught(harness, tmp_path: Path) -> None:
    """When the project's contract says its webhook enqueues the workflow too (the default claims only the webhook
    task: the document says no more), a webhook that does not is caught."""
    (tmp_path / "harness.toml").write_text('[webhook]\nstatus_change_enqueues = ["webhook", "workflow"]\n')
    run = harness("run", "--target", str(TARGETS / "silent_webhook_target.py"), "--quick", *EXT, cwd=tmp_path)
    assert run.code == 1
    found = run.findings("routing.webhook_enqueues_to_queue")
    assert [f["subject"] for f in found] == ["ai_agent_background.execute_workflow"]
    assert {f["check"] for f in run.findings()} == {"routing.webhook_enqueues_to_queue"}


def test_celery_only_target_skips_webhook_checks_with_reason(harness) -> None:
    run = harness("run", "--target", str(TARGETS / "celery_only_target.py"), "--quick", *EXT)
    assert run.code == 0, run.stdout[-2000:]
    skipped = [c for c in run.report["checks"] if c["status"] == "skipped" and not c["id"].startswith("latency.")
               and not not_applicable(c) and c["id"] not in ONE_NODE]
    # the webhook checks: routing's, and the webhook security suite's (security.*)
    assert [c["id"] for c in skipped if not c["id"].startswith("security.")] == ["routing.webhook_enqueues_to_queue"]
    assert all("no webhook app" in c["reason"] for c in skipped)


@pytest.mark.skipif(not OLD_PYTHON.exists(), reason="make test builds .venv-celery5old first")
def test_target_python_runs_an_older_celery(harness) -> None:
    with ThreadPoolExecutor(max_workers=2) as both:  # two independent runs: side by side
        seed_run, ref_run = (both.submit(harness, "run", "--target", name, "--quick", "--target-python",
                                         str(OLD_PYTHON), *EXT) for name in ("seed", "reference"))
        seed, ref = seed_run.result(), ref_run.result()
    assert (seed.code, ref.code) == (1, 0), ref.stdout[-2000:]
    assert seed.report["target_runtime"]["celery"].startswith("5.2.")
    assert any(f["title"] == NO_QUEUE for f in seed.findings())
