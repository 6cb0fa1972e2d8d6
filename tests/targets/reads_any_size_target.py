"""Faulty: the webhook reads the whole body, whatever its size, before looking at it. Everything else is reference."""

from _base import reference

ref = reference()
celery_app, worker_args = ref.celery_app, ref.worker_args


async def _read_everything(request):
    return await request.body()


ref._read_capped = _read_everything
app = ref.app
