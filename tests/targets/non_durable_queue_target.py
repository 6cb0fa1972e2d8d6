"""Faulty: the webhooks queue is not durable."""

from _base import reference
from kombu import Queue

ref = reference()
celery_app, app, worker_args = ref.celery_app, ref.app, ref.worker_args
celery_app.conf.task_queues = [
    q if q.name != "webhooks" else Queue("webhooks", ref.EXCHANGE, routing_key="webhook.#", durable=False,
                                         queue_arguments=ref.MAX_PRIORITY)
    for q in celery_app.conf.task_queues
]
