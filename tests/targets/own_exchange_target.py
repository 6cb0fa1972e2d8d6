"""Faulty: the workflows queue is bound to an exchange of its own (ai_agent.workflows), not to the
contract's ai_agent, and execute_workflow is routed there. Its messages still reach the queue; anything
published to ai_agent with a workflow key (another service, a replay tool) reaches nothing."""

from _base import reference
from kombu import Exchange, Queue

ref = reference()
celery_app, app, worker_args = ref.celery_app, ref.app, ref.worker_args
OWN = Exchange("ai_agent.workflows", type="topic", durable=True)
NAME = "ai_agent_background.execute_workflow"
celery_app.conf.task_queues = [
    q if q.name != "workflows" else Queue("workflows", OWN, routing_key="workflow.#", durable=True,
                                          queue_arguments=ref.MAX_PRIORITY)
    for q in celery_app.conf.task_queues
]
celery_app.conf.task_routes = {**celery_app.conf.task_routes,
                               NAME: {"queue": "workflows", "exchange": OWN.name,
                                      "routing_key": "workflow.langgraph", "priority": 5}}
