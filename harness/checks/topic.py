"""AMQP topic-exchange matching: ``*`` is exactly one word, ``#`` is zero or more words."""

from __future__ import annotations

from functools import lru_cache


def topic_matches(binding_key: str, routing_key: str) -> bool:
    """Whether a topic exchange delivers ``routing_key`` to a queue bound with ``binding_key``."""
    return _match(tuple(binding_key.split(".")), tuple(routing_key.split(".")))


@lru_cache(maxsize=4096)
def _match(pattern: tuple[str, ...], words: tuple[str, ...]) -> bool:
    if not pattern:
        return not words
    head, rest = pattern[0], pattern[1:]
    if head == "#":
        return any(_match(rest, words[i:]) for i in range(len(words) + 1))
    if not words:
        return False
    return (head == "*" or head == words[0]) and _match(rest, words[1:])
