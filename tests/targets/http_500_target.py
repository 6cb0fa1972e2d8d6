"""Faulty: the webhook answers 500 to every delivery and enqueues nothing. Everything else is reference."""

from _base import reference

ref = reference()
celery_app, worker_args = ref.celery_app, ref.worker_args


class _Always500:
    """Answers every HTTP request with a 500 before the reference webhook sees it."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.inner(scope, receive, send)
        await send({"type": "http.response.start", "status": 500,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": b'{"error": "internal error"}'})


app = _Always500(ref.app)
