"""Faulty: generate_code is routed to the tests queue (a route typo). Everything else is reference."""

from _base import reference

ref = reference()
celery_app, app, worker_args = ref.celery_app, ref.app, ref.worker_args
celery_app.conf.task_routes = {
    **celery_app.conf.task_routes,
    "ai_agent_background.generate_code": {"queue": "tests", "routing_key": "test.generate", "priority": 7},
}
