"""Faulty in a way the routing check does not spell out: a catch-all '#' binding on the tests queue
makes every task also land in tests. The route itself is right; the broker copies it elsewhere."""

from _base import reference
from kombu import Queue

ref = reference()
celery_app, app, worker_args = ref.celery_app, ref.app, ref.worker_args
celery_app.conf.task_queues = [
    q if q.name != "tests" else Queue("tests", ref.EXCHANGE, routing_key="#", durable=True,
                                      queue_arguments=ref.MAX_PRIORITY)
    for q in celery_app.conf.task_queues
]
