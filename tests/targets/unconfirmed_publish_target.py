"""Faulty: no publisher confirms."""

from _base import reference

ref = reference()
celery_app, app, worker_args = ref.celery_app, ref.app, ref.worker_args
celery_app.conf.broker_transport_options = {}
