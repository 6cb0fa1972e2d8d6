"""Faulty: accepts_unsigned's defect, with every task message gzip-compressed (``task_compression``).

A tap that reads bodies as plain JSON finds no triggerUuid in these messages, so the unsigned delivery
that was enqueued looks like nothing was. Everything else is reference (compression included, it passes).
"""

from accepts_unsigned_target import app, celery_app, worker_args

celery_app.conf.task_compression = "gzip"

__all__ = ["app", "celery_app", "worker_args"]
