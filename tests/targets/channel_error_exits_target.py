"""Faulty: Celery's default for channel errors. When the broker closes the worker's channel because a
countdown was held past consumer_timeout, the worker exits instead of reconnecting."""

from _base import reference

ref = reference()
celery_app, app, worker_args = ref.celery_app, ref.app, ref.worker_args
celery_app.conf.broker_channel_error_retry = False
