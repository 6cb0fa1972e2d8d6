"""Load-testing and integration-verification harness for the AI-Agent Celery migration."""

__version__ = "0.1.0"
