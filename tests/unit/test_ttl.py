"""A work queue's TTL, read from its arguments or its policy."""

from harness.checks.ttl import queue_ttl


def test_ttl_and_dead_letter_exchange_from_arguments() -> None:
    assert queue_ttl({"arguments": {"x-message-ttl": 2000, "x-dead-letter-exchange": "ai_agent"}}) == (2000, "ai_agent")


def test_a_policy_counts_like_an_argument() -> None:
    queue = {"arguments": {}, "effective_policy_definition": {"message-ttl": 500}}
    assert queue_ttl(queue) == (500, None)


def test_no_ttl() -> None:
    assert queue_ttl({"arguments": {"x-max-priority": 10}}) == (None, None)
