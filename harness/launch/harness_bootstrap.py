"""Harness bootstrap, run under the *target's* interpreter.

It depends only on Celery and the standard library and is copied onto the target's path as this
single module, so it works with the target's own pinned Celery 5.x. Sub-commands:

  inspect  --app MOD:ATTR                 print the app's routing and worker configuration as JSON
  worker   --app MOD:ATTR [--bodies stub|real] [--time-scale S] -- ARGS   run ``celery worker``
  publish  --app MOD:ATTR                 read JSON lines {task, args, kwargs, options}; apply_async

Probes: with ``--bodies stub`` every task body is replaced by a probe that records the execution to
``$HARNESS_PROBE_LOG`` and, when an argument carries a ``__harness__`` marker, fails, hangs or kills
its own process, or runs the real body for that one message when the marker says ``"real": true``
(the OAuth suite's end-to-end check). With ``--bodies real`` the real bodies run and are only recorded.
"""

import argparse
import importlib
import json
import os
import signal
import socket
import sys
import threading
import time

MARKER = "__harness__"
_LOG_LOCK = threading.Lock()


class ProbeFailure(Exception):
    """The failure a probe raises when its payload asks for one."""


def load_app(spec):
    module_name, _, attr = spec.partition(":")
    module = importlib.import_module(module_name)
    return module, getattr(module, attr or "celery_app")


def record(event, **fields):
    path = os.environ.get("HARNESS_PROBE_LOG")
    if not path:
        return
    line = json.dumps(dict(fields, event=event, pid=os.getpid(), t=time.time(),
                           host=socket.gethostname()), default=str)
    with _LOG_LOCK, open(path, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def find_marker(args, kwargs):
    for value in list(args) + list(kwargs.values()):
        if isinstance(value, dict):
            if isinstance(value.get(MARKER), dict):
                return value[MARKER]
            event = value.get("event")
            if isinstance(event, dict) and isinstance(event.get(MARKER), dict):
                return event[MARKER]
    return {}


def trigger_of(args, kwargs):
    for value in list(args) + list(kwargs.values()):
        if isinstance(value, dict):
            event = value.get("event") if isinstance(value.get("event"), dict) else {}
            found = value.get("triggerUuid") or event.get("triggerUuid")
            if found:
                return found
    return None


def kills_so_far(task_id):
    """How many times a probe already killed its process for ``task_id`` (kept beside the probe log)."""
    path = os.environ.get("HARNESS_PROBE_LOG", "") + ".kills." + str(task_id)
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def note_kill(task_id):
    with open(os.environ.get("HARNESS_PROBE_LOG", "") + ".kills." + str(task_id), "ab") as handle:
        handle.write(b"k")


def should_kill(kill, task_id):
    """``kill: true`` always kills; ``kill: N`` kills the first N deliveries, so a loop stays bounded."""
    if kill is True:
        return True
    return isinstance(kill, int) and kills_so_far(task_id) < kill


def act_on(marker, retries, task_id=None):
    """Do what the marker asks: die, hang, or fail (always, or for the first N attempts)."""
    if marker.get("kill") and should_kill(marker["kill"], task_id):
        note_kill(task_id)
        os.kill(os.getpid(), signal.SIGKILL)
    if marker.get("hang"):
        time.sleep(float(marker["hang"]))
    fail = marker.get("fail")
    if fail is True or (isinstance(fail, int) and not isinstance(fail, bool) and retries < fail):
        raise ProbeFailure(f"injected failure (attempt {retries + 1})")


def make_probe(task, original, stub):
    def probe(*args, **kwargs):
        request = task.request
        info = getattr(request, "delivery_info", None) or {}
        record("task", task=task.name, id=request.id, retries=request.retries,
               routing_key=info.get("routing_key"), exchange=info.get("exchange"),
               priority=info.get("priority"), redelivered=info.get("redelivered"),
               trigger=trigger_of(args, kwargs))
        marker = find_marker(args, kwargs)
        if stub and not marker.get("real"):
            act_on(marker, request.retries, request.id)
            result = {"probe": task.name, "attempt": request.retries + 1}
        else:
            result = original(*args, **kwargs)
        record("done", task=task.name, id=request.id, retries=request.retries)
        return result
    return probe


def install_probes(app, stub):
    for task in app.tasks.values():
        if task.name.startswith("celery."):
            continue
        attr = "_orig_run" if hasattr(task, "_orig_run") else "run"
        setattr(task, attr, make_probe(task, getattr(task, attr), stub))


def compress_retries(app, scale):
    """Scale every retry countdown by ``scale`` (the declared policy is checked separately)."""
    for task in app.tasks.values():
        if task.name.startswith("celery."):
            continue
        task.retry = _scaled_retry(task, task.retry, scale)


def _scaled_retry(task, original, scale):
    def retry(*args, **kwargs):
        if kwargs.get("countdown") is None and kwargs.get("eta") is None:
            kwargs["countdown"] = task.default_retry_delay
        if kwargs.get("countdown") is not None:
            kwargs["countdown"] = float(kwargs["countdown"]) * scale
        return original(*args, **kwargs)
    return retry


def effective_bindings(queue):
    """(exchange, routing key) pairs the queue is bound with, as kombu will declare them."""
    if queue.bindings:
        return [{"exchange": getattr(b.exchange, "name", ""), "routing_key": b.routing_key}
                for b in queue.bindings]
    if queue.exchange is None or not queue.exchange.name:
        return []
    return [{"exchange": queue.exchange.name, "routing_key": queue.routing_key}]


def describe_queue(queue):
    exchange = queue.exchange
    return {
        "name": queue.name,
        "exchange": exchange.name if exchange is not None else "",
        "exchange_type": exchange.type if exchange is not None else "",
        "routing_key": queue.routing_key,
        "bindings": effective_bindings(queue),
        "durable": bool(queue.durable),
        "arguments": dict(queue.queue_arguments or {}),
        "max_priority": queue.max_priority,
    }


def describe_route(app, name):
    route = app.amqp.router.route({}, name, args=(), kwargs={})
    queue = route.get("queue")
    exchange = route.get("exchange")
    exchange_name = getattr(exchange, "name", exchange)
    if not exchange_name and queue is not None and queue.exchange is not None:
        exchange_name = queue.exchange.name
    return {
        "queue": getattr(queue, "name", queue),
        "exchange": exchange_name or "",
        "routing_key": route.get("routing_key") or getattr(queue, "routing_key", None),
        "priority": route.get("priority"),
    }


def describe_task(app, task):
    retry_kwargs = getattr(task, "retry_kwargs", None) or {}
    return {
        "route": describe_route(app, task.name),
        "autoretry_for": [getattr(e, "__name__", str(e)) for e in getattr(task, "autoretry_for", ()) or ()],
        "max_retries": retry_kwargs.get("max_retries", task.max_retries),
        "countdown": retry_kwargs.get("countdown", task.default_retry_delay),
        "acks_late": task.acks_late,
        "reject_on_worker_lost": task.reject_on_worker_lost,
        "has_on_failure": type(task).on_failure is not _base_on_failure(),
        "params": describe_params(task),
    }


def describe_params(task):
    """The task's call signature (what ``apply_async`` checks): name, kind and whether it has a default;
    ``None`` when it cannot be read."""
    import inspect
    try:
        signature = inspect.signature(task.run)
    except (TypeError, ValueError):
        return None
    return [{"name": p.name, "kind": p.kind.name, "default": p.default is not p.empty}
            for p in signature.parameters.values()]


def _base_on_failure():
    from celery import Task
    return Task.on_failure


CONF_KEYS = ("task_acks_late", "task_reject_on_worker_lost", "worker_prefetch_multiplier",
             "task_create_missing_queues", "task_default_queue", "task_default_exchange",
             "task_default_exchange_type", "task_default_routing_key", "task_default_priority",
             "task_queue_max_priority", "broker_transport_options", "result_extended",
             "task_track_started", "task_serializer", "result_backend", "task_publish_retry",
             "event_exchange", "worker_detect_quorum_queues")


def describe(module, app):
    import celery
    conf = {key: app.conf.get(key) for key in CONF_KEYS}
    tasks = {t.name: describe_task(app, t) for t in app.tasks.values() if not t.name.startswith("celery.")}
    return {
        "celery_version": celery.__version__,
        "python": sys.version.split()[0],
        "conf": json.loads(json.dumps(conf, default=str)),
        "queues": [describe_queue(q) for q in (app.conf.task_queues or [])],
        "tasks": tasks,
        "worker_args": list(getattr(module, "worker_args", []) or []),
        "has_app": getattr(module, "app", None) is not None,
    }


def cmd_inspect(opts):
    module, app = load_app(opts.app)
    app.loader.import_default_modules()
    print(json.dumps(describe(module, app), default=str))


def cmd_worker(opts):
    from celery.signals import worker_ready

    _module, app = load_app(opts.app)
    app.loader.import_default_modules()
    install_probes(app, stub=opts.bodies == "stub")
    keep_resumed_queues_on_reconnect()
    if opts.time_scale != 1.0:
        compress_retries(app, opts.time_scale)
    worker_ready.connect(lambda **_: record("ready"), weak=False)
    argv = ["worker"] + [a for a in opts.rest if a != "--"]
    app.worker_main(argv=argv)


def publish(app, request):
    result = app.tasks[request["task"]].apply_async(
        tuple(request.get("args", ())), dict(request.get("kwargs", {})), **request.get("options", {}))
    return {"id": result.id}


def keep_resumed_queues_on_reconnect(consumer_class=None):
    """The harness pauses a queue with ``cancel_consumer`` and resumes it with ``add_consumer``. Up to Celery 5.5 at
    least, ``add_consumer`` of a queue the app declares consumes it again without putting it back among the queues
    the worker consumes from, so after the next reconnection (a broker restart) the worker no longer consumes it.
    Give it the rule later Celery has (``select_add``), so a pause leaves the worker as it found it."""
    if consumer_class is None:
        from celery.worker.consumer.consumer import Consumer as consumer_class
    original = consumer_class.add_task_queue
    if getattr(original, "harness_resumes", False):
        return

    def add_task_queue(self, queue, *args, **kwargs):
        queues = self.app.amqp.queues
        if queue in queues:
            queues.select_add(queues[queue])
        return original(self, queue, *args, **kwargs)

    add_task_queue.harness_resumes = True
    consumer_class.add_task_queue = add_task_queue


_PAUSED = {}  # queue -> the workers that consumed it when the harness paused it


def consumers_of(app, queue, limit):
    """The workers consuming ``queue`` now."""
    answers = app.control.inspect(timeout=1, limit=limit).active_queues() or {}
    return sorted(worker for worker, queues in answers.items() if any(q.get("name") == queue for q in queues or []))


def control(app, request):
    """Worker remote control through the target's app: cancel_consumer, add_consumer, ping. A queue is paused
    on the workers that consume it and resumed on those alone, so the workers' layout is left as it was.
    After a broker restart the first command fails on the pool's stale connection; it is sent once more."""
    try:
        return _control(app, request)
    except connection_errors(app):
        return _control(app, request)


def connection_errors(app):
    """The errors of a lost broker connection, as the app's transport names them, and kombu's wrapper of them."""
    from kombu.exceptions import OperationalError

    with app.connection_for_write() as connection:
        return (OSError, OperationalError, *connection.connection_errors, *connection.recoverable_connection_errors)


def _control(app, request):
    command = request["control"]
    if command not in ("cancel_consumer", "add_consumer", "ping"):
        return {"error": "unsupported control command " + command}
    # Celery waits the whole timeout for more replies unless told how many to expect.
    args, limit = request.get("args", []), request.get("limit")
    if command == "ping":
        return {"replies": app.control.ping(reply=True, timeout=5, limit=limit)}
    queue = args[0]
    if command == "cancel_consumer":
        workers = _PAUSED[queue] = consumers_of(app, queue, limit)
    else:
        workers = _PAUSED.pop(queue, None)
    if workers == []:  # nobody consumed it: nothing to pause or resume
        return {"replies": [], "settled": True}
    options = {"destination": workers, "limit": len(workers)} if workers else {"limit": limit}
    replies = getattr(app.control, command)(*args, reply=True, timeout=5, **options)
    # the worker replies before it acts (call_soon)
    return {"replies": replies, "settled": consumers_settled(app, queue, command == "add_consumer", limit, workers)}


def consumers_settled(app, queue, consuming, limit, workers=None, timeout_s=15.0):
    """Wait until each of ``workers`` (every answering worker when None) does (or does not) list ``queue``
    among its active queues."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        answers = app.control.inspect(timeout=1, limit=limit).active_queues() or {}
        named = answers if workers is None else {w: answers[w] for w in workers if w in answers}
        seen = [any(q.get("name") == queue for q in queues or []) for queues in named.values()]
        if seen and len(seen) == len(workers or seen) and all(s == consuming for s in seen):
            return True
        time.sleep(0.05)
    return False


def cmd_publish(opts):
    _module, app = load_app(opts.app)
    app.loader.import_default_modules()
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            reply = control(app, request) if "control" in request else publish(app, request)
        except Exception as exc:  # reported to the harness, which turns it into a finding
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="harness_bootstrap")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("inspect", "worker", "publish"):
        cmd = sub.add_parser(name)
        cmd.add_argument("--app", required=True)
        if name == "worker":
            cmd.add_argument("--bodies", choices=("stub", "real"), default="stub")
            cmd.add_argument("--time-scale", type=float, default=1.0)
            cmd.add_argument("rest", nargs=argparse.REMAINDER)
    opts = parser.parse_args(argv)
    {"inspect": cmd_inspect, "worker": cmd_worker, "publish": cmd_publish}[opts.command](opts)


if __name__ == "__main__":
    main()
