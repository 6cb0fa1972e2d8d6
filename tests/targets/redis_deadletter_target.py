"""Good on Redis: the reference, plus kombu's deadletter_queue option, so an unroutable publish is parked."""

from _base import reference

ref = reference()
celery_app, app, worker_args = ref.celery_app, ref.app, ref.worker_args
celery_app.conf.broker_transport_options = {**celery_app.conf.broker_transport_options,
                                            "deadletter_queue": "unroutable"}
