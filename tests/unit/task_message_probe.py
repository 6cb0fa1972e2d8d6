"""Run in a target's interpreter: each task's message as ``apply_async`` hands it to kombu's producer, and as
``celery_message`` builds it, printed as one JSON line ``{"celery": ..., "built": ...}`` per task.

Usage: python task_message_probe.py MODULE TASK [TASK...]   (PYTHONPATH holds the bundled and test targets)
"""

import base64
import contextlib
import importlib
import json
import sys

import celery_message
from kombu import serialization

BROKER_PROPERTIES = ("correlation_id", "reply_to", "priority", "delivery_mode", "expiration")


class _Connection:
    def _reraise_as_library_errors(self):
        return contextlib.nullcontext()


class RecordingProducer:
    """Stands in for kombu's producer: keeps what Celery asks it to publish."""

    connection = _Connection()

    def __init__(self):
        self.published = []

    def publish(self, body, **options):
        self.published.append((body, options))


def as_celery_sends(body, options):
    content_type, content_encoding, data = serialization.dumps(body, serializer=options["serializer"])
    data = data.encode(content_encoding) if isinstance(data, str) else data
    properties = {k: options[k] for k in BROKER_PROPERTIES if options.get(k) is not None}
    properties["delivery_mode"] = celery_message.DELIVERY_MODES.get(properties["delivery_mode"],
                                                                     properties["delivery_mode"])
    properties.update(content_type=content_type, content_encoding=content_encoding, headers=options["headers"])
    exchange = getattr(options["exchange"], "name", options["exchange"])
    return described(exchange, options["routing_key"], data, properties, options.get("declare") or [])


def described(exchange, routing_key, body, properties, declare):
    return {"exchange": exchange, "routing_key": routing_key, "body": base64.b64encode(body).decode(),
            "properties": properties, "declare": [repr(e) for e in declare]}


def probe(task):
    producer = RecordingProducer()
    options = {"task_id": "0b6b4a0e-6f4e-5b8e-9f3c-2f1d1c0e0a01", "argsrepr": "(<Monday webhook t-1>,)",
               "kwargsrepr": "{}"}
    args = ({"event": {"pulseId": 7, "boardId": 3, "triggerUuid": "t-1"}},)
    task.apply_async(args, producer=producer, **options)
    (body, sent), = producer.published
    built = celery_message.TaskMessages(task._get_app()).build(task, args, **options)
    return {"celery": as_celery_sends(body, sent),
            "built": described(built.exchange, built.routing_key, built.body, built.properties, built.declare)}


def main(module_name, *task_names):
    module = importlib.import_module(module_name)
    for name in task_names:
        print(json.dumps(probe(module.celery_app.tasks[name]), sort_keys=True, default=repr))


if __name__ == "__main__":
    main(*sys.argv[1:])
