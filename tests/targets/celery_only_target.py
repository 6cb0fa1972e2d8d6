"""A partial target: a Celery app and no webhook. Messaging checks run; webhook checks are skipped."""

from _base import reference

celery_app = reference().celery_app
worker_args = reference().worker_args
