"""Why a check can come out differently on Redis and on RabbitMQ (facts of kombu and the brokers).

Keyed by check id. A check whose outcome changed and that has no entry here is still reported; its
explanation is then each side's own finding.
"""

from __future__ import annotations

EXPLANATIONS: dict[str, str] = {
    "routing.route_reaches_queue": (
        "topic matching moves from the client to the broker: on Redis the publishing process's kombu matches "
        "routing keys against the binding patterns it stored (kombu up to 5.6.2 let '*' match several words, "
        "so 'ai.*' caught 'ai.generate.code'); RabbitMQ matches '*' against exactly one word and drops what "
        "matches no binding"),
    "priority.backlog_consumed_highest_first": (
        "priority is inverted and coarser: kombu's Redis transport keeps one list per priority step (0, 3, 6, 9 "
        "by default) and pops step 0 first, so 0 is the highest priority; RabbitMQ delivers the highest number "
        "first, and only on queues declared with x-max-priority"),
    "routing.publish_is_loss_safe": (
        "the safety net is a different feature: RabbitMQ keeps unroutable messages through an alternate exchange "
        "and confirms publishes; on Redis every push is answered, but kombu drops a message that matches no "
        "binding unless the transport option deadletter_queue is set"),
    "topology.no_queue_without_consumers": (
        "an unconsumed queue looks different: RabbitMQ shows it with 0 consumers and a growing depth in its "
        "management API; on Redis it is a list that grows silently, and only watching it shrink tells that "
        "someone consumes it"),
    "acks.sigkill_mid_task_loses_nothing": (
        "redelivery has different clocks: on RabbitMQ an unacked message comes back when its channel closes (and "
        "the channel is closed after consumer_timeout, 30 min by default); on Redis kombu restores an unacked "
        "message after visibility_timeout (1 h by default), or at once when the worker itself rejects it"),
    "retries.retries_follow_declared_countdown": (
        "a countdown is held unacked by the worker: past Redis's visibility_timeout kombu restores it and it runs "
        "twice; past RabbitMQ's consumer_timeout the broker closes the worker's channel. A countdown shorter than "
        "both meets neither: then the worker's own timing of ETA messages differs by transport (it did on "
        "Celery 5.2 with RabbitMQ), and each side's finding gives the gaps"),
    "dead_letters.dead_letters_after_max_retries": (
        "Redis has no dead-letter exchange: only a DLQ the application feeds itself (a routed task from "
        "on_failure) exists on both brokers"),
}


def explanation(check_id: str) -> str | None:
    return EXPLANATIONS.get(check_id)
