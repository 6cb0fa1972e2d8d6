"""Which queues a worker consumes, read from its arguments, and the DLQ consumer check on a stand-in session."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from harness.checks import dlq_consumers
from harness.checks.dlq_consumers import dlq_has_no_consumer
from harness.findings import DeadLettersConsumed, Severity
from harness.launch.workers import worker_queues

WORK = ("webhooks", "workflows", "ai_generation", "tests")


@pytest.mark.parametrize("args,expected", [
    (["--queues=webhooks,dlq", "--prefetch-multiplier=1"], {"webhooks", "dlq"}),
    (["--queues", "webhooks,dlq"], {"webhooks", "dlq"}),
    (["-Q", "dlq"], {"dlq"}),
    (["-Qwebhooks,dlq"], {"webhooks", "dlq"}),
    (["--loglevel=INFO"], set(WORK)),  # none named: the harness gives the contract's work queues
    ([], set(WORK)),
])
def test_worker_queues_reads_every_spelling(args: list[str], expected: set[str]) -> None:
    assert worker_queues(args, WORK) == expected


def session(worker_args: list[str], broker_kind: str = "redis") -> Any:
    contract = SimpleNamespace(dlq_queue="dlq", work_queues=WORK)
    target = SimpleNamespace(processes={}, description={"worker_args": worker_args})
    return SimpleNamespace(config=SimpleNamespace(contract=contract), target=target, broker_kind=broker_kind,
                           spec=SimpleNamespace(name="dlq_consumed_target.py"), vhost="v")


def test_a_worker_consuming_the_dlq_is_a_high_finding() -> None:
    with pytest.raises(DeadLettersConsumed) as caught:
        dlq_has_no_consumer(session(["--queues=webhooks,workflows,ai_generation,tests,dlq"]))
    [finding] = caught.value.findings
    assert finding.severity == Severity.HIGH and finding.subject == "dlq"
    assert "--queues=" in finding.observed and "vanishes" in finding.observed
    assert finding.expected and "--broker redis" in finding.reproduce


def test_a_worker_that_leaves_the_dlq_alone_passes() -> None:
    dlq_has_no_consumer(session(["--queues=webhooks,workflows,ai_generation,tests"]))


def test_on_rabbitmq_the_broker_names_other_consumers_but_not_the_tap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dlq_consumers, "broker_consumers", lambda _s, _q: ["replayer (consumer tag 'c1')"])
    with pytest.raises(DeadLettersConsumed) as caught:
        dlq_has_no_consumer(session(["--queues=webhooks"], "rabbitmq"))
    assert "replayer" in caught.value.findings[0].observed
    assert "list_consumers" in caught.value.findings[0].reproduce


def test_broker_consumers_leave_out_the_harness_tap(monkeypatch: pytest.MonkeyPatch) -> None:
    details = [{"channel_details": {"connection_name": "harness-tap-1a2b"}, "consumer_tag": "t"},
               {"channel_details": {"connection_name": "127.0.0.1:5000 -> 127.0.0.1:5672"}, "consumer_tag": "w"}]
    fake = session([], "rabbitmq")
    fake.api = SimpleNamespace(queue=lambda _v, _q: {"consumer_details": details})
    fake.services = SimpleNamespace(broker=None)
    monkeypatch.setattr(dlq_consumers, "queue_counts",
                        lambda _b, names: {n: SimpleNamespace(consumers=3, messages=0) for n in names})
    found = dlq_consumers.broker_consumers(fake, "dlq")
    assert found == ["127.0.0.1:5000 -> 127.0.0.1:5672 (consumer tag 'w')",
                     "1 consumer(s) not yet listed by the management API"]
