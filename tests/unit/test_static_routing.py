"""The static routing check on configurations read by the bootstrap (no broker needed)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from harness.checks.routing import route_key_matches_binding
from harness.config import load_config
from harness.findings import RouteReachesNoQueue, RouteReachesWrongQueue, TaskNotRouted
from harness.launch.spec import BUNDLED_DIR
from tests.conftest import ROOT, TARGETS

BOOTSTRAP_DIR = ROOT / "harness" / "launch"
CONTRACT = load_config(ROOT).contract


def describe(module: str, folder: Path) -> dict[str, Any]:
    env = {"PYTHONPATH": f"{BOOTSTRAP_DIR}:{folder}", "CELERY_BROKER_URL": "amqp://u:p@127.0.0.1:1//"}
    out = subprocess.run(
        [sys.executable, "-m", "harness_bootstrap", "inspect", "--app", f"{module}:celery_app"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    data: dict[str, Any] = json.loads(out)
    return data


@pytest.fixture(scope="module")
def seed() -> dict[str, Any]:
    return describe("seed_target", BUNDLED_DIR)


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    return describe("reference_target", BUNDLED_DIR)


@pytest.mark.parametrize("task", [t.name for t in CONTRACT.tasks])
def test_reference_routes_every_task(reference: dict[str, Any], task: str) -> None:
    route_key_matches_binding(reference, CONTRACT, task, "reference")


def test_seed_generate_code_reaches_no_queue(seed: dict[str, Any]) -> None:
    with pytest.raises(RouteReachesNoQueue) as caught:
        route_key_matches_binding(seed, CONTRACT, "ai_agent_background.generate_code", "seed")
    finding = caught.value.findings[0]
    assert finding.title == "routing key ai.generate.code reaches no queue"
    assert "ai.*" in finding.observed


def test_seed_dead_letter_task_has_no_route(seed: dict[str, Any]) -> None:
    with pytest.raises(TaskNotRouted) as caught:
        route_key_matches_binding(seed, CONTRACT, "ai_agent_background.send_to_dead_letter_queue", "seed")
    assert "'celery'" in caught.value.findings[0].observed


@pytest.mark.parametrize(
    "task",
    [
        "ai_agent_background.process_monday_webhook",
        "ai_agent_background.execute_workflow",
        "ai_agent_background.run_tests",
    ],
)
def test_seed_single_word_keys_pass(seed: dict[str, Any], task: str) -> None:
    route_key_matches_binding(seed, CONTRACT, task, "seed")


def test_catch_all_binding_is_reported_as_extra_copies() -> None:
    description = describe("hash_binding_elsewhere_target", TARGETS)
    with pytest.raises(RouteReachesWrongQueue) as caught:
        route_key_matches_binding(description, CONTRACT, "ai_agent_background.generate_code", "faulty")
    assert "tests" in caught.value.findings[0].observed
