"""The contract loads once from the bundled TOML and user overlays; bad values are one-line errors."""

from pathlib import Path

import pytest

from harness.config import RunOptions, ServiceSettings, load_config, services_from_env
from harness.errors import ConfigError
from harness.findings import Severity


def test_default_contract_is_the_documents_intent(tmp_path: Path) -> None:
    contract = load_config(tmp_path).contract
    assert contract.exchange == "ai_agent" and contract.exchange_type == "topic"
    route = contract.task("ai_agent_background.generate_code")
    assert (route.queue, route.routing_key, route.priority) == ("ai_generation", "ai.generate.code", 7)
    assert contract.retry.max_retries == 3 and contract.retry.countdown_s == 60
    assert contract.slo_p99_ms == 5.0 and contract.fail_at is Severity.HIGH
    assert contract.work_queues == ("webhooks", "workflows", "ai_generation", "tests")


def test_pyproject_and_harness_toml_overlay(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.harness.latency]\nslo_p99_ms = 2.5\n"
        '[[tool.harness.tasks]]\nname = "ai_agent_background.run_tests"\npriority = 1\n'
    )
    (tmp_path / "harness.toml").write_text('[gate]\nfail_at = "medium"\n')
    contract = load_config(tmp_path).contract
    assert contract.slo_p99_ms == 2.5 and contract.fail_at is Severity.MEDIUM
    assert contract.task("ai_agent_background.run_tests").priority == 1
    assert contract.task("ai_agent_background.run_tests").queue == "tests"
    assert len(contract.tasks) == 5
    assert not any(t.idempotent for t in contract.tasks)  # nothing is declared harmless to repeat by default


def test_a_project_declares_a_task_idempotent_by_its_role(tmp_path: Path) -> None:
    (tmp_path / "harness.toml").write_text('[[tasks]]\nrole = "webhook"\nidempotent = true\n')
    contract = load_config(tmp_path).contract
    assert [t.role for t in contract.tasks if t.idempotent] == ["webhook"]


@pytest.mark.parametrize(
    "text,needle",
    [
        ('[gate]\nfail_at = "urgent"\n', "urgent"),
        ("[latency\n", "harness.toml"),
        ('[[tasks]]\nrole = "tests"\nidempotent = "yes"\n', "idempotent of task ai_agent_background.run_tests"),
    ],
)
def test_bad_contract_is_a_config_error(tmp_path: Path, text: str, needle: str) -> None:
    (tmp_path / "harness.toml").write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert needle in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "services,run,needle",
    [
        (ServiceSettings(backend="podman"), RunOptions(), "--services"),
        (ServiceSettings(), RunOptions(task_bodies="fake"), "--task-bodies"),
        (ServiceSettings(), RunOptions(time_scale=0), "--time-scale"),
    ],
)
def test_bad_options(tmp_path: Path, services: ServiceSettings, run: RunOptions, needle: str) -> None:
    with pytest.raises(ConfigError, match=needle):
        load_config(tmp_path, services, run)


def test_services_from_env_reads_only_harness_variables() -> None:
    env = {"HARNESS_BROKER_URL": "amqp://u:p@h:1/", "CELERY_BROKER_URL": "amqp://ignored", "HARNESS_DATABASE_URL": ""}
    settings = services_from_env(env, "external")
    assert settings.broker_url == "amqp://u:p@h:1/" and settings.database_url is None


@pytest.mark.parametrize(
    "run,dialect",
    [
        (RunOptions(target="reference"), "document"),
        (RunOptions(target="seed"), "document"),
        (RunOptions(target="tests/targets/native_only_target.py"), "monday"),
        (RunOptions(target="reference", webhook_url="http://127.0.0.1:8000/webhook/monday"), "monday"),
    ],
)
def test_the_bundled_targets_get_the_documents_dialect_and_any_other_monday_s(
        tmp_path: Path, run: RunOptions, dialect: str) -> None:
    assert load_config(tmp_path, run=run).contract.webhook.dialect == dialect


def test_the_contract_names_the_dialect_over_the_default(tmp_path: Path) -> None:
    (tmp_path / "harness.toml").write_text('[webhook]\ndialect = "monday"\n')
    assert load_config(tmp_path, run=RunOptions(target="seed")).contract.webhook.dialect == "monday"
    (tmp_path / "harness.toml").write_text('[webhook]\ndialect = "native"\n')
    with pytest.raises(ConfigError, match=r"\[webhook\] dialect must be one of monday, document, not 'native'"):
        load_config(tmp_path)
