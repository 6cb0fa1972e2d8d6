"""Faulty: the webhook task retries twice instead of the contract's three times."""

from _base import reference

ref = reference()
celery_app, app, worker_args = ref.celery_app, ref.app, ref.worker_args
NAME = "ai_agent_background.process_monday_webhook"
celery_app.tasks.unregister(NAME)


@celery_app.task(name=NAME, base=ref.DeadLettering, bind=True, autoretry_for=(Exception,),
                 retry_kwargs={"max_retries": 2, "countdown": 60})
def process_monday_webhook(self, payload, signature=None):
    return {"pulse_id": payload.get("event", {}).get("pulseId"), "status": "received"}
