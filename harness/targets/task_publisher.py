"""Publishing Celery tasks from an asyncio web app: the broker's confirm is awaited, not waited for in a thread.

``TaskPublisher(app).publish(task, args, task_id=..., argsrepr=..., kwargsrepr=...)`` sends the message
``task.apply_async`` would send (built by Celery: ``celery_message``) over one aio-pika connection to the app's
broker. With publisher confirms on (``broker_transport_options={"confirm_publish": True}``) it returns once the
broker has confirmed the message; a nack, a message returned as unroutable (it is published ``mandatory``, so one
that no queue and no alternate exchange takes comes back), a lost connection or no confirm within
``PUBLISH_TIMEOUT_S`` raise. The connection is aio-pika's robust one: after a broker restart or a closed
connection it reconnects every ``RECONNECT_INTERVAL_S`` and declares again what it had declared; while it is away,
a publish fails at once rather than waiting for it.

Where that cannot be done (aio-pika is not installed, the broker is not AMQP, e.g. Redis, or the app sends
``task-sent`` events, which only Celery's producer publishes) it calls ``apply_async`` in a pool of threads, one
per pooled broker connection (``broker_pool_limit``), as a blocking publisher must.
"""

import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor

import celery_message

try:
    import aio_pika
    import aiormq
except ImportError:  # an interpreter without it publishes through Celery's own producer
    aio_pika = aiormq = None

CONNECTION_NAME = "celery-task-publisher"
CONNECT_TIMEOUT_S = 5.0
PUBLISH_TIMEOUT_S = 5.0
RECONNECT_INTERVAL_S = 0.5


class PublishFailed(Exception):
    """The broker did not take the message, or could not be asked."""


class TaskPublisher:
    """Chooses, at the first publish (when the app's configuration is final), how to publish."""

    def __init__(self, app):
        self.app = app
        self.way = None

    async def publish(self, task, args, **options):
        if self.way is None:
            self.way = AmqpPublisher(self.app) if amqp_fits(self.app) else ThreadedPublisher(self.app)
        await self.way.publish(task, args, **options)


def amqp_fits(app):
    """aio-pika can publish what ``apply_async`` would: it is installed, the broker is AMQP without custom TLS
    options and is one node (several URLs: kombu's producer fails over along them, aio-pika's robust connection
    only comes back to its one host), and no ``task-sent`` event is due alongside each task."""
    if aio_pika is None or app.conf.task_send_sent_event:
        return False
    with app.connection_for_write() as connection:
        one_node = len(connection.alt or ()) <= 1
        return connection.transport.driver_type == "amqp" and not isinstance(connection.ssl, dict) and one_node


class ThreadedPublisher:
    """``apply_async`` in a thread pool: a thread is held for as long as each confirm takes."""

    def __init__(self, app):
        self.threads = ThreadPoolExecutor(app.conf.broker_pool_limit or 10, thread_name_prefix="task-publish")

    async def publish(self, task, args, **options):
        send = functools.partial(task.apply_async, args, **options)
        await asyncio.get_running_loop().run_in_executor(self.threads, send)


class AmqpPublisher:
    """One robust aio-pika connection and channel for every publish."""

    def __init__(self, app):
        self.app, self.messages = app, celery_message.TaskMessages(app)
        self.confirms = bool((app.conf.broker_transport_options or {}).get("confirm_publish"))
        self.connection = self.channel = None
        self.opening = self.declaring = None
        self.declared = set()

    async def publish(self, task, args, **options):
        message = self.messages.build(task, args, **options)
        channel = await self.ready_channel()
        await self.declare(channel, message.declare)
        await self.send(await channel.get_underlay_channel(), message)

    async def send(self, underlay, message):
        """Publish on aiormq's channel, without waiting for the socket to drain before the next publish may
        start (aio-pika's ``Exchange.publish`` waits, and publishes queue behind each other's writes on a busy
        event loop); the confirm, a nack or a return is still awaited, within ``PUBLISH_TIMEOUT_S``."""
        try:
            await underlay.basic_publish(
                message.body, exchange=message.exchange, routing_key=message.routing_key,
                properties=aiormq.spec.Basic.Properties(**message.properties), mandatory=True,
                timeout=PUBLISH_TIMEOUT_S, wait=False)
        except asyncio.TimeoutError:  # noqa: UP041 (not yet the builtin before Python 3.11)
            raise PublishFailed(f"no confirm from the broker within {PUBLISH_TIMEOUT_S:g} s") from None

    async def ready_channel(self):
        if self.connection is None or self.connection.is_closed:
            await self.open()
        if not self.connection.connected.is_set():
            raise PublishFailed("the connection to the broker is being re-established")
        return self.channel

    async def open(self):
        """Connect (once, whoever asks at the same time); a refused first connection raises, and the next
        publish tries again."""
        self.opening = self.opening or asyncio.Lock()
        async with self.opening:
            if self.connection is not None and not self.connection.is_closed:
                return
            connection = await aio_pika.connect_robust(
                timeout=CONNECT_TIMEOUT_S, reconnect_interval=RECONNECT_INTERVAL_S,
                client_properties={"connection_name": CONNECTION_NAME}, **broker_parameters(self.app))
            self.channel = await connection.channel(publisher_confirms=self.confirms, on_return_raises=self.confirms)
            self.connection, self.declared = connection, set()

    async def declare(self, channel, entities):
        """Declare each kombu entity once per connection, as kombu's ``maybe_declare`` does (the robust channel
        declares them again after a reconnection)."""
        missing = [e for e in entities if entity_key(e) not in self.declared]
        if not missing:
            return
        self.declaring = self.declaring or asyncio.Lock()
        async with self.declaring:
            for entity in missing:
                if entity_key(entity) not in self.declared:
                    await declare_entity(channel, entity)
                    self.declared.add(entity_key(entity))


def broker_parameters(app):
    """aio-pika's connection keywords for the app's broker, as kombu reads its URL."""
    with app.connection_for_write() as connection:
        info = connection.info()
    return {"host": info["hostname"], "port": int(info["port"] or 5672), "login": info["userid"],
            "password": info["password"], "virtualhost": info["virtual_host"], "ssl": bool(info["ssl"])}


def entity_key(entity):
    return type(entity).__name__, entity.name


async def declare_entity(channel, entity):
    """A kombu ``Exchange``, or a ``Queue`` with its exchange and binding, declared on an aio-pika channel."""
    exchange = getattr(entity, "exchange", entity)
    if exchange is not None and exchange.name and not getattr(exchange, "no_declare", False):
        await channel.declare_exchange(exchange.name, exchange.type, durable=exchange.durable,
                                       auto_delete=exchange.auto_delete, arguments=exchange.arguments)
    if exchange is entity or getattr(entity, "no_declare", False):
        return
    queue = await channel.declare_queue(entity.name, durable=entity.durable, exclusive=entity.exclusive,
                                        auto_delete=entity.auto_delete, arguments=entity.queue_arguments)
    if exchange is not None and exchange.name:
        await queue.bind(exchange.name, routing_key=entity.routing_key or "", arguments=entity.binding_arguments)
