"""Faulty: a base task class whose retry() drops the exception it is given. Retries still happen on
schedule, but when they run out Celery raises MaxRetriesExceededError instead of the task's own error,
so the final FAILURE no longer says what went wrong."""

from _base import reference

ref = reference()
celery_app, app, worker_args = ref.celery_app, ref.app, ref.worker_args
NAME = "ai_agent_background.process_monday_webhook"
celery_app.tasks.unregister(NAME)


class ForgetfulRetry(ref.DeadLettering):
    def retry(self, args=None, kwargs=None, exc=None, **options):
        return super().retry(args, kwargs, None, **options)


@celery_app.task(name=NAME, base=ForgetfulRetry, bind=True, autoretry_for=(Exception,),
                 retry_kwargs={"max_retries": 3, "countdown": 60})
def process_monday_webhook(self, payload, signature=None):
    return {"pulse_id": payload.get("event", {}).get("pulseId"), "status": "received"}
