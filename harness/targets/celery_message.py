"""The AMQP message ``task.apply_async(args, task_id=..., argsrepr=..., kwargsrepr=...)`` publishes, built by Celery.

Celery decides everything about it: the route from the app's own router (``app.amqp.router``: queue, exchange,
routing key, priority), the headers, properties and body from its message builder
(``app.amqp.create_task_message``, protocol 2), the body's encoding from kombu's serializer registry. What is left
here is what Celery's ``send_task_message`` does between the two (the exchange and routing key a route leaves
unsaid, the delivery mode, the entities to declare) and what kombu's producer adds (content type, encoding,
compression). A publisher other than kombu's can send the result as it is.

It covers what a webhook sends: a task published on its own, with no countdown, eta, links or parent task.
"""

from collections import namedtuple

from kombu import serialization
from kombu.common import Broadcast
from kombu.compression import compress

TaskMessage = namedtuple("TaskMessage", "exchange routing_key body properties declare")

DELIVERY_MODES = {"transient": 1, "persistent": 2}
EXEC_OPTIONS_USED = ("queue", "exchange", "routing_key", "exchange_type", "priority", "serializer",
                     "compression", "delivery_mode")


def task_message(task, args, kwargs=None, task_id=None, argsrepr=None, kwargsrepr=None):
    """A :class:`TaskMessage`: exchange, routing key, body (bytes), properties (headers included), and the
    kombu entities ``apply_async`` would declare before publishing."""
    app = task._get_app()
    options = routed_options(app, task, args, kwargs)
    headers, properties, body, _ = app.amqp.create_task_message(
        task_id, task.name, args, kwargs, reply_to=app.thread_oid, argsrepr=argsrepr, kwargsrepr=kwargsrepr,
        ignore_result=bool(task.ignore_result))
    exchange, routing_key, queue = destination(app, options)
    content_type, content_encoding, data = encoded(app, body, options, headers)
    properties = dict(properties, priority=options.get("priority"), content_type=content_type,
                      content_encoding=content_encoding, headers=headers,
                      delivery_mode=delivery_mode(app, options, queue))
    declare = [queue] if queue is not None and not isinstance(queue, Broadcast) else []
    return TaskMessage(exchange, routing_key, data, {k: v for k, v in properties.items() if v is not None}, declare)


def routed_options(app, task, args, kwargs):
    """The task's own execution options, merged under its route, as ``apply_async`` merges them."""
    preset = {k: v for k, v in task._get_exec_options().items() if k in EXEC_OPTIONS_USED and v is not None}
    return app.amqp.router.route(preset, task.name, args, kwargs or {}, task)


def destination(app, options):
    """(exchange name, routing key, queue) by the rules of Celery's ``send_task_message``."""
    conf, queue = app.conf, options.get("queue")
    exchange, routing_key = options.get("exchange"), options.get("routing_key")
    if queue is None and exchange is None:
        queue = app.amqp.default_queue
    if isinstance(queue, str):
        queue = app.amqp.queues[queue]
    exchange_type = options.get("exchange_type") or (queue.exchange.type if queue is not None else "direct")
    if (not exchange or not routing_key) and exchange_type == "direct":
        return "", queue.name, queue
    if exchange is None:
        exchange = queue.exchange.name or conf.task_default_exchange
        routing_key = routing_key or queue.routing_key or conf.task_default_routing_key
    return getattr(exchange, "name", exchange), routing_key, queue


def delivery_mode(app, options, queue):
    mode = options.get("delivery_mode") or getattr(getattr(queue, "exchange", None), "delivery_mode", None)
    mode = mode or app.conf.task_default_delivery_mode
    return DELIVERY_MODES.get(mode, mode)


def encoded(app, body, options, headers):
    """(content type, content encoding, bytes), as kombu's producer serializes and compresses a body."""
    serializer = options.get("serializer") or app.conf.task_serializer
    content_type, content_encoding, data = serialization.dumps(body, serializer=serializer)
    if isinstance(data, str):
        data = data.encode(content_encoding)
    compression = options.get("compression") or app.conf.task_compression
    if compression:
        data, headers["compression"] = compress(data, compression)
    return content_type, content_encoding, data

