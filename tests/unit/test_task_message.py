"""The reference webhook's publisher sends what ``apply_async`` would: the message ``celery_message`` builds equals,
byte for byte and header for header, the one Celery hands kombu's producer, on the harness's Celery and on the
older one (``--target-python``), for the reference's tasks and for targets that change routes, exchanges and
delivery modes. And it publishes through Celery's producer where aio-pika cannot stand in for it."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from celery import Celery

from tests.conftest import OLD_PYTHON, ROOT, TARGETS

BUNDLED = ROOT / "harness" / "targets"
PROBE = Path(__file__).with_name("task_message_probe.py")
WEBHOOK, WORKFLOW, DLQ = (f"ai_agent_background.{name}" for name in
                          ("process_monday_webhook", "execute_workflow", "send_to_dead_letter_queue"))
CASES = {
    "reference_target": (WEBHOOK, WORKFLOW, DLQ),
    "transient_messages_target": (WEBHOOK,),
    "own_exchange_target": (WORKFLOW,),
    "wrong_queue_target": ("ai_agent_background.generate_code",),
}
INTERPRETERS = {"harness venv": Path(sys.executable), "older Celery": OLD_PYTHON}


def probed(python: Path, module: str, tasks: tuple[str, ...]) -> list[dict[str, Any]]:
    env = {**os.environ, "PYTHONPATH": f"{BUNDLED}:{TARGETS}", "CELERY_BROKER_URL": "amqp://u:p@127.0.0.1:1//"}
    out = subprocess.run([str(python), str(PROBE), module, *tasks], env=env, capture_output=True, text=True,
                         check=True, timeout=60).stdout
    return [json.loads(line) for line in out.splitlines()]


@pytest.mark.parametrize("interpreter", INTERPRETERS)
@pytest.mark.parametrize("module", CASES)
def test_the_built_message_is_the_one_apply_async_sends(interpreter: str, module: str) -> None:
    python = INTERPRETERS[interpreter]
    if not python.exists():
        pytest.skip(f"{python} is missing: make .venv-celery5old/.installed")
    for message in probed(python, module, CASES[module]):
        assert message["built"] == message["celery"]


def test_the_reference_message_carries_celerys_protocol_2_headers() -> None:
    built = probed(Path(sys.executable), "reference_target", (WEBHOOK,))[0]["built"]
    properties, headers = built["properties"], built["properties"]["headers"]
    assert (built["exchange"], built["routing_key"]) == ("ai_agent", "webhook.monday")
    assert {k: properties[k] for k in ("content_type", "content_encoding", "delivery_mode", "priority")} == {
        "content_type": "application/json", "content_encoding": "utf-8", "delivery_mode": 2, "priority": 9}
    assert headers["task"] == WEBHOOK and headers["id"] == headers["root_id"] == properties["correlation_id"]
    assert headers["argsrepr"] == "(<Monday webhook t-1>,)" and headers["lang"] == "py"


def task_publisher() -> ModuleType:
    if str(BUNDLED) not in sys.path:
        sys.path.insert(0, str(BUNDLED))
    return importlib.import_module("task_publisher")


@pytest.mark.parametrize(("broker", "sent_events", "fits"), [
    ("amqp://guest:guest@127.0.0.1:5672//", False, True),
    ("pyamqp://guest:guest@127.0.0.1:5672/run", False, True),
    ("redis://127.0.0.1:6379/0", False, False),
    ("amqp://guest:guest@127.0.0.1:5672//", True, False),
])
def test_aio_pika_publishes_only_what_it_can_publish_as_celery_would(broker: str, sent_events: bool,
                                                                      fits: bool) -> None:
    app = Celery("probe", broker=broker, set_as_current=False)
    app.conf.task_send_sent_event = sent_events
    assert task_publisher().amqp_fits(app) is fits


def test_the_broker_url_is_read_as_kombu_reads_it() -> None:
    app = Celery("probe", broker="amqp://user:p%40ss@rabbit.local:5673/harness-run-1", set_as_current=False)
    assert task_publisher().broker_parameters(app) == {
        "host": "rabbit.local", "port": 5673, "login": "user", "password": "p@ss", "virtualhost": "harness-run-1",
        "ssl": False}
