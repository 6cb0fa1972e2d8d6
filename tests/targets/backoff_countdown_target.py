"""Faulty: the webhook task declares countdown=60 in retry_kwargs, but retry_backoff=True makes
Celery compute each countdown itself (1, 2, 4 s...), so the declared countdown is never used."""

from _base import reference

ref = reference()
celery_app, app, worker_args = ref.celery_app, ref.app, ref.worker_args
NAME = "ai_agent_background.process_monday_webhook"
celery_app.tasks.unregister(NAME)


@celery_app.task(name=NAME, base=ref.DeadLettering, bind=True, autoretry_for=(Exception,),
                 retry_kwargs={"max_retries": 3, "countdown": 60}, retry_backoff=True, retry_jitter=False)
def process_monday_webhook(self, payload, signature=None):
    return {"pulse_id": payload.get("event", {}).get("pulseId"), "status": "received"}
