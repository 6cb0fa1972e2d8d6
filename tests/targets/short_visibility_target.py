"""Faulty on Redis: a visibility_timeout shorter than the 60 s retry countdown the worker holds."""

from _base import reference

ref = reference()
celery_app, app, worker_args = ref.celery_app, ref.app, ref.worker_args
celery_app.conf.broker_transport_options = {**celery_app.conf.broker_transport_options, "visibility_timeout": 30}
