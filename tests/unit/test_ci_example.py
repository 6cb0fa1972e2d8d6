"""examples/ci/github-actions.yml parses, runs the gate with service containers, uploads reports/, and
names only commands that exist: make targets of the Makefile, harness subcommands and options of the CLI."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / "examples" / "ci" / "github-actions.yml"


def _workflow() -> dict[str, Any]:
    data = yaml.safe_load(WORKFLOW.read_text())
    assert isinstance(data, dict)
    return data


def _steps() -> list[dict[str, Any]]:
    return [step for job in _workflow()["jobs"].values() for step in job["steps"]]


def _commands() -> list[list[str]]:
    commands = []
    for step in _steps():
        for line in str(step.get("run", "")).splitlines():
            for part in re.split(r"&&|;|\|\|", line):
                if part.strip() and not part.strip().startswith("#"):
                    commands.append(shlex.split(part))
    return commands


def _make_targets() -> set[str]:
    return set(re.findall(r"^([A-Za-z0-9_.-]+):", (ROOT / "Makefile").read_text(), re.MULTILINE))


def test_workflow_parses_with_triggers_and_a_job() -> None:
    data = _workflow()
    triggers = data.get("on", data.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers and "pull_request" in triggers
    assert data["jobs"], "no job"


def test_services_are_rabbitmq_management_and_postgres() -> None:
    services = next(iter(_workflow()["jobs"].values()))["services"]
    images = {name: spec["image"] for name, spec in services.items()}
    assert images["rabbitmq"] == "rabbitmq:3.12-management"
    assert images["postgres"].startswith("postgres")
    ports = {p for spec in services.values() for p in spec["ports"]}
    assert {"5672:5672", "15672:15672", "5432:5432"} <= ports


def test_reports_are_uploaded_whatever_the_verdict() -> None:
    uploads = [s for s in _steps() if str(s.get("uses", "")).startswith("actions/upload-artifact")]
    assert uploads and uploads[0]["with"]["path"].rstrip("/") == "reports"
    assert uploads[0].get("if") == "always()"


def test_the_gate_runs_against_the_service_containers() -> None:
    gate = [c for c in _commands() if Path(c[0]).name == "harness" and c[1] == "run"]
    assert gate, "no `harness run` step"
    assert gate[0][gate[0].index("--services"):][:2] == ["--services", "external"]


@pytest.mark.parametrize("command", _commands(), ids=lambda c: " ".join(c)[:60])
def test_every_command_exists(command: list[str]) -> None:
    program = command[0]
    if program == "make":
        unknown = [t for t in command[1:] if not t.startswith("-") and "=" not in t and t not in _make_targets()]
        assert not unknown, f"make targets not in the Makefile: {unknown}"
    elif Path(program).name == "harness":
        assert program in ("harness", ".venv/bin/harness")
        try:
            build_parser().parse_args(command[1:])
        except SystemExit as exc:
            pytest.fail(f"`{' '.join(command)}` is not a valid harness command (exit {exc.code})")
    else:
        pytest.fail(f"{program} is neither make nor harness")
