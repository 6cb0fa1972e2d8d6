"""Not faulty: Celery task events are on, as monitoring (Flower, ``celery events``) wants them.

The worker sends ``task-received``/``task-started``/``task-succeeded`` and every publisher sends
``task-sent`` to the ``celeryev`` exchange, transient by design. They are not task messages, so
``topology.messages_are_persistent`` must not count them. Everything else is reference.
"""

from _base import reference

ref = reference()
celery_app, app, worker_args = ref.celery_app, ref.app, ref.worker_args
celery_app.conf.update(worker_send_task_events=True, task_send_sent_event=True)
