"""The AMQP message ``task.apply_async(args, task_id=..., argsrepr=..., kwargsrepr=...)`` publishes, built by Celery.

Celery decides everything about it: the route from the app's own router (``app.amqp.router``: queue, exchange,
routing key, priority), the headers, properties and body from its message builder
(``app.amqp.create_task_message``, protocol 2), the body's encoding from kombu's serializer registry. What is left
here is what Celery's ``send_task_message`` does between the two (the exchange and routing key a route leaves
unsaid, the delivery mode, the entities to declare) and what kombu's producer adds (content type, encoding,
compression). A publisher other than kombu's can send the result as it is.

Build one :class:`TaskMessages` per app, once its configuration is final. It covers what a webhook sends: a task
published on its own, with no countdown, eta, links or parent task.
"""

from collections import namedtuple

from kombu import serialization
from kombu.common import Broadcast
from kombu.compression import compress

TaskMessage = namedtuple("TaskMessage", "exchange routing_key body properties declare")

DELIVERY_MODES = {"transient": 1, "persistent": 2}
EXEC_OPTIONS_USED = ("queue", "exchange", "routing_key", "exchange_type", "priority", "serializer",
                     "compression", "delivery_mode")


class TaskMessages:
    """Builds the task messages of one Celery app. Like Celery's own sender, it reads the app's publishing defaults
    (serializer, compression, delivery mode, default exchange and routing key) once, when it is made."""

    def __init__(self, app):
        conf = self.conf = app.conf
        self.app, self.amqp = app, app.amqp
        self.serializer, self.compression = conf.task_serializer, conf.task_compression
        self.delivery_mode = conf.task_default_delivery_mode
        self.default_exchange, self.default_routing_key = conf.task_default_exchange, conf.task_default_routing_key

    def build(self, task, args, kwargs=None, task_id=None, argsrepr=None, kwargsrepr=None):
        """A :class:`TaskMessage`: exchange, routing key, body (bytes), properties (headers included), and the
        kombu entities ``apply_async`` would declare before publishing."""
        options = self.routed_options(task, args, kwargs)
        headers, properties, body, _ = self.amqp.create_task_message(
            task_id, task.name, args, kwargs, reply_to=self.app.thread_oid, argsrepr=argsrepr,
            kwargsrepr=kwargsrepr, ignore_result=bool(task.ignore_result))
        exchange, routing_key, queue = self.destination(options)
        content_type, content_encoding, data = self.encoded(body, options, headers)
        properties = dict(properties, priority=options.get("priority"), content_type=content_type,
                          content_encoding=content_encoding, headers=headers,
                          delivery_mode=self.delivery_mode_of(options, queue))
        declare = [queue] if queue is not None and not isinstance(queue, Broadcast) else []
        return TaskMessage(exchange, routing_key, data, {k: v for k, v in properties.items() if v is not None},
                           declare)

    def routed_options(self, task, args, kwargs):
        """The task's own execution options, merged under its route, as ``apply_async`` merges them."""
        preset = {k: v for k, v in task._get_exec_options().items() if k in EXEC_OPTIONS_USED and v is not None}
        return self.amqp.router.route(preset, task.name, args, kwargs or {}, task)

    def destination(self, options):
        """(exchange name, routing key, queue) by the rules of Celery's ``send_task_message``."""
        queue, exchange, routing_key = options.get("queue"), options.get("exchange"), options.get("routing_key")
        if queue is None and exchange is None:
            queue = self.amqp.default_queue
        if isinstance(queue, str):
            queue = self.amqp.queues[queue]
        exchange_type = options.get("exchange_type") or (queue.exchange.type if queue is not None else "direct")
        if (not exchange or not routing_key) and exchange_type == "direct":
            return "", queue.name, queue
        if exchange is None:
            exchange = queue.exchange.name or self.default_exchange
            routing_key = routing_key or queue.routing_key or self.default_routing_key
        return getattr(exchange, "name", exchange), routing_key, queue

    def delivery_mode_of(self, options, queue):
        mode = options.get("delivery_mode") or getattr(getattr(queue, "exchange", None), "delivery_mode", None)
        mode = mode or self.delivery_mode
        return DELIVERY_MODES.get(mode, mode)

    def encoded(self, body, options, headers):
        """(content type, content encoding, bytes), as kombu's producer serializes and compresses a body."""
        content_type, content_encoding, data = serialization.dumps(
            body, serializer=options.get("serializer") or self.serializer)
        if isinstance(data, str):
            data = data.encode(content_encoding)
        compression = options.get("compression") or self.compression
        if compression:
            data, headers["compression"] = compress(data, compression)
        return content_type, content_encoding, data
