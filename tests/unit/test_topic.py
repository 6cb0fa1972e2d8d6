"""AMQP topic matching, checked against RabbitMQ's documented semantics."""

import pytest

from harness.checks.topic import topic_matches


@pytest.mark.parametrize(
    "binding,key,expected",
    [
        ("ai.*", "ai.generate", True),
        ("ai.*", "ai.generate.code", False),  # the document's defect: '*' is exactly one word
        ("ai.#", "ai.generate.code", True),
        ("ai.#", "ai", True),  # '#' is zero or more words
        ("#", "anything.at.all", True),
        ("*.code", "generate.code", True),
        ("*.code", "ai.generate.code", False),
        ("webhook.monday", "webhook.monday", True),
        ("webhook.monday", "webhook.mondays", False),
        ("#.code", "ai.generate.code", True),
        ("ai.*.code", "ai.generate.code", True),
        ("ai.*.code", "ai.code", False),
    ],
)
def test_topic_rules(binding: str, key: str, expected: bool) -> None:
    assert topic_matches(binding, key) is expected
