"""The ledger's judgement of each delivery, its account, and the recovery figures."""

from __future__ import annotations

import json
from dataclasses import replace

from harness.config import TaskRoute
from harness.faults.judge import exited_note, repeated_unsafely
from harness.faults.phase import ScenarioResult
from harness.faults.plan import FaultPlan, Scenario
from harness.faults.recovery import accepting_since, accepts_again_s, drain_s, recovery
from harness.ledger.account import account, judge, settled, with_ignored
from harness.ledger.evidence import find_trigger
from harness.ledger.records import WORKER_LOST, Arrival, Attempt, Delivery, Evidence, Run
from harness.ledger.render import account_line, reliability_lines


def delivery(seq: int, *answers: int | None, t: float = 100.0) -> Delivery:
    found = Delivery(seq, f"trigger-{seq}", t, False, b"{}")
    found.attempts = [Attempt(t + i, status, None if status else "ConnectError") for i, status in enumerate(answers)]
    return found


def seen(evidence: Evidence, seq: int, task_id: str, status: str | None, queue: str = "webhooks",
         runs: int = 1, done: bool = True) -> None:
    trigger = f"trigger-{seq}"
    evidence.arrivals.setdefault(trigger, []).append(Arrival(queue, "t", task_id, 101.0, True))
    evidence.runs.setdefault(trigger, []).extend(
        Run("t", task_id, 1, 7, 102.0, 103.0 if done else None) for _ in range(runs))
    if status:
        evidence.rows[task_id] = status


def test_each_outcome_is_named() -> None:
    evidence = Evidence()
    seen(evidence, 1, "a", "SUCCESS")
    seen(evidence, 2, "b", None)
    seen(evidence, 3, "c", "FAILURE")
    seen(evidence, 4, "d", None)
    evidence.dead["trigger-4"] = 104.0
    seen(evidence, 5, "e", WORKER_LOST)
    deliveries = [delivery(1, 200), delivery(2, 200), delivery(3, 200), delivery(4, 200), delivery(5, 200),
                  delivery(6, 503, None), delivery(7, 200)]
    outcomes = [judge(d, evidence).outcome for d in deliveries]
    assert outcomes == ["completed", "lost", "failed", "dead_lettered", "lost", "rejected", "lost"]


def test_a_retry_that_is_accepted_counts_as_accepted() -> None:
    evidence = Evidence()
    seen(evidence, 1, "a", "SUCCESS")
    verdict = judge(delivery(1, 503, 200), evidence)
    assert verdict.outcome == "completed" and verdict.delivery.accepted_at == 101.0


def test_a_second_start_of_one_attempt_is_a_duplicate_and_a_second_end_is_work_done_twice() -> None:
    evidence = Evidence()
    seen(evidence, 1, "a", "SUCCESS", runs=2)
    seen(evidence, 2, "b", "SUCCESS")
    evidence.runs["trigger-2"].append(Run("t", "b", 1, 8, 105.0, None))  # killed mid-task, ran again
    first, second = judge(delivery(1, 200), evidence), judge(delivery(2, 200), evidence)
    assert first.duplicated and first.completed_twice and first.repeated_tasks == ("t",)
    assert second.duplicated and not second.completed_twice and second.repeated_tasks == ()


def test_work_done_twice_is_noted_unless_the_contract_declares_the_task_idempotent() -> None:
    evidence = Evidence()
    seen(evidence, 1, "a", "SUCCESS", runs=2)
    verdicts = [judge(delivery(1, 200), evidence)]
    route = TaskRoute("t", "webhooks", "monday.webhook", 9)
    assert repeated_unsafely([route], verdicts) == verdicts
    assert repeated_unsafely([replace(route, idempotent=True)], verdicts) == []


def test_the_account_counts_and_gives_examples() -> None:
    evidence = Evidence()
    seen(evidence, 1, "a", "SUCCESS")
    verdicts = [judge(d, evidence) for d in (delivery(1, 200), delivery(2, 200), delivery(3, 500, 500))]
    found = account(verdicts, ["stray-id"]).to_dict()
    assert (found["sent"], found["accepted"], found["completed"], found["lost"], found["rejected"]) == (3, 2, 1, 1, 1)
    assert found["unexpected"] == 1 and found["examples"]["lost"] == ["trigger-2"]
    assert "LOST 1" in account_line(found)
    assert not settled(verdicts)


def test_deliveries_that_all_left_no_trace_are_ignored_not_lost() -> None:
    deliveries = [delivery(1, 200), delivery(2, 200), delivery(3, 500)]
    verdicts = with_ignored([judge(d, Evidence()) for d in deliveries])
    assert [v.outcome for v in verdicts] == ["ignored", "ignored", "rejected"]
    found = account(verdicts, []).to_dict()
    assert (found["ignored"], found["lost"]) == (2, 0) and found["examples"]["ignored"] == ["trigger-1", "trigger-2"]
    assert "LOST 0, ignored 2" in account_line(found)


def test_one_delivery_seen_keeps_the_others_lost() -> None:
    evidence = Evidence()
    seen(evidence, 1, "a", "SUCCESS")
    verdicts = with_ignored([judge(d, evidence) for d in (delivery(1, 200), delivery(2, 200))])
    assert [v.outcome for v in verdicts] == ["completed", "lost"]
    unroutable = Evidence()
    seen(unroutable, 1, "a", None, queue="<unroutable>", runs=0)  # published, yet gone: lost, not ignored
    assert with_ignored([judge(delivery(1, 200), unroutable)])[0].outcome == "lost"


def test_unroutable_messages_do_not_count_as_reaching_a_queue() -> None:
    evidence = Evidence()
    seen(evidence, 1, "a", None, queue="<unroutable>", runs=0)
    verdict = judge(delivery(1, 200), evidence)
    assert verdict.outcome == "lost" and verdict.unroutable and verdict.reached_queue is None


def test_a_trigger_is_found_inside_a_dead_letter_record() -> None:
    record = [[{"original_task": "x", "payload": {"event": {"triggerUuid": "abc"}}}], {}, {}]
    assert find_trigger(json.loads(json.dumps(record))) == "abc"
    assert find_trigger({"a": [1, 2, {"b": None}]}) is None


def test_recovery_figures() -> None:
    deliveries = [delivery(1, 200, t=10), delivery(2, None, 200, t=11), delivery(3, 503, 200, t=12),
                  delivery(4, 200, t=13.5)]
    assert accepts_again_s(deliveries, 10.5, 20) == 3.0
    assert accepts_again_s(deliveries, 13, 20) == 0.0
    assert accepts_again_s(deliveries[:3], 10.5, 20) is None
    evidence = Evidence()
    seen(evidence, 1, "a", "SUCCESS")
    verdicts = [judge(deliveries[0], evidence)]
    assert drain_s(verdicts, 10.5) == 92.5
    entries = recovery([{"kind": "worker_kill", "t": 10.5, "end": 11.0}], deliveries, verdicts, 20)
    assert entries[0]["accepts_again_s"] == 3.0 and "accepts webhooks again in 3.0 s" in reliability_lines(
        {"scenarios": [{"name": "worker_kill", "account": {}, "recovery": entries}]})[1]


def test_a_schedule_waits_for_the_latest_answer_after_the_fault_to_be_accepted() -> None:
    deliveries = [delivery(1, 200, t=10), delivery(2, 503, 200, t=11), delivery(3, 200, t=12)]
    assert not accepting_since(deliveries, 12.5)  # nothing answered since: not yet known
    assert not accepting_since(deliveries[:2], 10.5)  # the latest first answer is a refusal
    assert accepting_since(deliveries, 10.5)
    assert accepting_since([deliveries[2], deliveries[1]], 10.5)  # by send time, not list order


def answered(seq: int, t: float, status: int | None, elapsed_s: float, error: str | None = None) -> Delivery:
    found = Delivery(seq, f"trigger-{seq}", t, False, b"{}")
    found.attempts = [Attempt(t, status, error, elapsed_s)]
    return found


def test_a_send_still_waiting_when_the_next_fault_began_is_that_faults() -> None:
    """A mixed schedule's ledger (seconds after its load started): broker_restart at 13.71, broker_crash at 36.99
    after its backlog burst. Sends of the burst, at 36.986, were answered 503 or timed out once the node hung: they
    say nothing of the broker_restart before, which was accepting again from 24.1."""
    deliveries = [answered(1, 13.9, 503, 0.2), answered(2, 20.6, None, 10.01, "ReadTimeout"),
                  answered(3, 24.1, 200, 0.05), answered(4, 33.0, 200, 0.01),
                  answered(5, 36.986, 503, 4.70), answered(6, 36.987, None, 10.04, "ReadTimeout")]
    assert accepts_again_s(deliveries, 13.71, 36.99) == 10.39
    assert accepts_again_s(deliveries, 36.99, 60.0) is None  # the burst's refusals are broker_crash's ...
    later = [*deliveries, answered(7, 48.0, 200, 0.02)]
    assert accepts_again_s(later, 36.99, 60.0) == 11.01  # ... until one is accepted
    assert accepts_again_s(deliveries[:2], 13.71, 36.99) is None  # refused for good: still named


def test_a_process_of_the_target_that_stayed_down_is_named_with_its_exit_code() -> None:
    plan, scenario = FaultPlan(), Scenario("node_kill", ("node_kill",))
    assert exited_note(ScenarioResult(scenario, plan)) == ""
    note = exited_note(ScenarioResult(scenario, plan, exited={"worker": 1}))
    assert note == "; the target's processes that exited and stayed down: its worker (exit code 1)"
