"""Routing: every task reaches its contract queue, with its routing key, and nowhere else."""

from __future__ import annotations

from typing import Any

from harness.checks.live import publish_payload
from harness.checks.reproduce import delay_line, harness_line
from harness.checks.topic import topic_matches
from harness.config import Contract, TaskRoute
from harness.findings import (
    Finding,
    MessageNotObserved,
    RouteReachesNoQueue,
    RouteReachesWrongQueue,
    Severity,
    TaskNotRouted,
    UnsafePublishing,
)
from harness.probes.redis_tap import list_depths
from harness.probes.tap import UNROUTABLE, Observation
from harness.session import Session

STATIC = "routing.route_key_matches_binding"
LIVE = "routing.route_reaches_queue"


def declared_bindings(description: dict[str, Any], exchange: str) -> dict[str, list[str]]:
    """Queue name -> binding keys on ``exchange``, as the target's configuration declares them."""
    found: dict[str, list[str]] = {}
    for queue in description.get("queues", []):
        keys = [b["routing_key"] for b in queue["bindings"] if b["exchange"] == exchange]
        found.setdefault(queue["name"], []).extend(keys)
    return found


def queues_reached(bindings: dict[str, list[str]], routing_key: str) -> list[str]:
    return sorted(q for q, keys in bindings.items() if any(topic_matches(k, routing_key) for k in keys))


def route_key_matches_binding(description: dict[str, Any], contract: Contract, task: str, target: str) -> None:
    """Static: the target routes ``task`` as the contract says, and its key matches the queue's binding."""
    expected = contract.task(task)
    route = _route_of(description, task, expected, target)
    bindings = declared_bindings(description, contract.exchange)
    reached = queues_reached(bindings, expected.routing_key)
    if expected.queue not in reached:
        raise RouteReachesNoQueue(_no_queue(STATIC, expected, contract.exchange, bindings, reached, target,
                                            description_line(route)))
    if reached != [expected.queue]:
        raise RouteReachesWrongQueue(_also_reaches(STATIC, expected, reached, target))


def _route_of(description: dict[str, Any], task: str, expected: TaskRoute, target: str) -> dict[str, Any]:
    info = description.get("tasks", {}).get(task)
    route = (info or {}).get("route", {})
    wanted = {"queue": expected.queue, "routing_key": expected.routing_key}
    actual = {k: route.get(k) for k in wanted}
    if info is None or actual != wanted:
        observed = "no such task in the app" if info is None else (
            f"routed to queue {route.get('queue')!r} on exchange {route.get('exchange')!r} "
            f"with routing key {route.get('routing_key')!r}")
        raise TaskNotRouted(Finding(
            STATIC, task, Severity.HIGH, f"{task} is not routed as the contract says",
            expected=f"queue {expected.queue!r}, routing key {expected.routing_key!r}", observed=observed,
            reproduce=harness_line(target, STATIC)))
    return dict(route)


def description_line(route: dict[str, Any]) -> str:
    return f"route: queue {route.get('queue')!r}, routing key {route.get('routing_key')!r}"


def _no_queue(check: str, expected: TaskRoute, exchange: str, bindings: dict[str, list[str]],
              reached: list[str], target: str, how: str) -> Finding:
    own = bindings.get(expected.queue, [])
    elsewhere = f"; it reaches {', '.join(reached)} instead" if reached else ""
    return Finding(
        check, expected.name, Severity.CRITICAL,
        f"routing key {expected.routing_key} reaches no queue" if not reached
        else f"routing key {expected.routing_key} does not reach queue {expected.queue}",
        expected=f"{expected.routing_key!r} on exchange {exchange!r} is delivered to queue {expected.queue!r}",
        observed=(f"queue {expected.queue!r} is bound with {own or 'nothing'}; in a topic exchange '*' matches "
                  f"exactly one word, so {expected.routing_key!r} matches no binding of it{elsewhere}. "
                  f"RabbitMQ drops such a message without error ({how})"),
        reproduce=harness_line(target, check))


def _also_reaches(check: str, expected: TaskRoute, reached: list[str], target: str) -> Finding:
    return Finding(
        check, expected.name, Severity.MEDIUM, f"routing key {expected.routing_key} also reaches other queues",
        expected=f"delivered to {expected.queue!r} only", observed=f"delivered to {', '.join(reached)}",
        reproduce=harness_line(target, check))


def route_reaches_queue(session: Session, task: str, timeout_s: float = 10.0) -> list[Observation]:
    """Live: a task published through the target's own app lands in its contract queue only."""
    expected = session.config.contract.task(task)
    task_id = publish_payload(session, LIVE, task, {"event": {"pulseId": "1", "harness": "routing"}})
    seen = observe(session, task_id, timeout_s)
    judge_landing(session, expected, seen, LIVE)
    return seen


def observe(session: Session, task_id: str, timeout_s: float, grace_s: float = 0.2) -> list[Observation]:
    """Copies of one message seen by the tap; waits a short grace for copies in other queues."""
    tap = session.tap
    if tap.wait_for(lambda: bool(tap.observations(task_id)), timeout_s):
        tap.wait_for(lambda: False, grace_s)
    return tap.observations(task_id)


def judge_landing(session: Session, expected: TaskRoute, seen: list[Observation], check: str) -> None:
    queues = sorted({o.queue for o in seen})
    reproduce = delay_line(session.spec.celery_app, expected.name)
    if UNROUTABLE in queues:
        key = next(o.routing_key for o in seen if o.queue == UNROUTABLE)
        raise RouteReachesNoQueue(Finding(
            check, expected.name, Severity.CRITICAL, f"routing key {key} reaches no queue",
            expected=f"the message is delivered to queue {expected.queue!r}",
            observed=(f"the broker found no binding for routing key {key!r} on exchange "
                      f"{seen[0].exchange!r}; the harness's alternate exchange caught the message, which "
                      f"RabbitMQ would otherwise drop silently (kombu publishes without mandatory)"),
            reproduce=reproduce))
    if not queues and session.broker_kind == "redis":
        raise RouteReachesNoQueue(Finding(
            check, expected.name, Severity.CRITICAL, f"routing key {expected.routing_key} reaches no queue",
            expected=f"the message is delivered to queue {expected.queue!r}",
            observed=(f"no copy reached any queue: the publisher's kombu matched {expected.routing_key!r} against "
                      f"no binding of exchange {session.config.contract.exchange!r} and dropped the message (Redis "
                      f"has no alternate exchange; kombu only warns in the publisher's log); queue depths now: "
                      f"{queue_depths(session)}"),
            reproduce=harness_line(session.spec.name, check, "redis")))
    if not queues:
        raise MessageNotObserved(Finding(
            check, expected.name, Severity.HIGH, f"{expected.name} was not seen on any target exchange",
            expected=f"a message routed to queue {expected.queue!r}",
            observed=f"nothing reached the tap; queue depths now: {queue_depths(session)}",
            reproduce=reproduce))
    if expected.queue not in queues or len(queues) > 1:
        raise RouteReachesWrongQueue(Finding(
            check, expected.name, Severity.HIGH if expected.queue not in queues else Severity.MEDIUM,
            f"{expected.name} lands in {', '.join(queues)}",
            expected=f"queue {expected.queue!r} only", observed=f"queues {', '.join(queues)}",
            reproduce=reproduce))


def queue_depths(session: Session) -> str:
    session.refresh_mirrors()
    if session.services.redis is not None:
        lists = list_depths(session.services.redis, (q["name"] for q in session.target.description.get("queues", [])))
        return ", ".join(f"{name}={n}" for name, n in lists.items()) or "no queues"
    depths = [f"{q['name']}={q.get('messages', 0)}" for q in session.api.queues(session.vhost)
              if not q["name"].startswith("harness.") and ".pidbox" not in q["name"]]
    return ", ".join(depths) or "no queues"


SAFE = "routing.publish_is_loss_safe"


def publish_is_loss_safe(session: Session) -> None:
    """Publishing cannot lose a message silently: confirms, plus an alternate exchange (kombu never sets
    the mandatory flag, so an alternate exchange is the only way an unroutable message is kept)."""
    if session.broker_kind == "redis":
        return redis_publish_is_loss_safe(session)
    conf = session.target.description.get("conf", {})
    confirms = bool((conf.get("broker_transport_options") or {}).get("confirm_publish"))
    exchange = session.api.exchange(session.vhost, session.config.contract.exchange) or {}
    alternate = (exchange.get("arguments") or {}).get("alternate-exchange")
    if not confirms or not alternate:
        raise UnsafePublishing(Finding(
            SAFE, session.config.contract.exchange, Severity.HIGH, "a publish can be lost without anyone knowing",
            "broker_transport_options={'confirm_publish': True} and an alternate-exchange on the exchange",
            f"publisher confirms {'on' if confirms else 'off'}; alternate exchange {alternate or 'none'}: an "
            "unroutable or unconfirmed message disappears while .delay() returns normally",
            harness_line(session.spec.name, SAFE)))


def redis_publish_is_loss_safe(session: Session) -> None:
    """On Redis every push is answered before ``.delay()`` returns, but kombu drops a message that matches
    no binding unless the transport option ``deadletter_queue`` names a list to park it in."""
    options = session.target.description.get("conf", {}).get("broker_transport_options") or {}
    if not options.get("deadletter_queue"):
        raise UnsafePublishing(Finding(
            SAFE, session.config.contract.exchange, Severity.HIGH, "a publish can be lost without anyone knowing",
            "broker_transport_options={'deadletter_queue': ...}: kombu's Redis transport parks what no binding "
            "matches there",
            "no deadletter_queue transport option: kombu's Redis transport drops a message whose routing key "
            "matches no binding (a warning in the publisher's log, nothing else); RabbitMQ's alternate exchange "
            "has no equivalent on Redis",
            harness_line(session.spec.name, SAFE, "redis")))
