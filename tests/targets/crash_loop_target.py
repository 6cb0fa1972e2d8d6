"""Faulty: no guard against a message that kills its worker on every delivery."""

from _base import reference
from celery import Task

ref = reference()
celery_app, app, worker_args = ref.celery_app, ref.app, ref.worker_args
ref.DeadLettering.__call__ = Task.__call__
