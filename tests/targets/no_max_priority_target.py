"""Faulty: queues are declared without x-max-priority, so route priorities are ignored."""

from _base import reference
from kombu import Queue

ref = reference()
celery_app, app, worker_args = ref.celery_app, ref.app, ref.worker_args
celery_app.conf.task_queues = [
    Queue(q.name, q.exchange, routing_key=q.routing_key, durable=True) for q in celery_app.conf.task_queues
]
