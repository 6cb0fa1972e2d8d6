"""The target's own environment: the project's settings under the harness's wiring, and what is masked."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.config import RunOptions, load_config
from harness.endpoints import Broker, Database
from harness.errors import ConfigError, StartupTimeout, TargetError, exception_summary
from harness.launch.env import RunSecrets, project_env, values_to_redact
from harness.launch.spec import resolve
from harness.launch.start import prepare_env
from harness.services.base import Services
from harness.target_settings import TargetSettings, parse_assignments, target_settings

PYDANTIC_FAILURE = """\
Traceback (most recent call last):
  File "/srv/app/settings.py", line 14, in <module>
    settings = Settings()
               ^^^^^^^^^^
  File "/venv/lib/pydantic_settings/main.py", line 171, in __init__
    super().__init__(
pydantic_core._pydantic_core.ValidationError: 1 validation error for Settings
openai_api_key
  Field required [type=missing, input_value={}, input_type=dict]
    For further information visit https://errors.pydantic.dev/2.9/v/missing
"""


def services() -> Services:
    return Services("external", Broker("127.0.0.1", 5672, "guest", "guest", vhost="run-1"),
                    Database("postgresql://postgres@127.0.0.1:5432/harness_run_1"))


def test_the_exception_keeps_its_continuation_lines() -> None:
    summary = exception_summary(PYDANTIC_FAILURE)
    assert summary.startswith("pydantic_core._pydantic_core.ValidationError: 1 validation error for Settings")
    assert "openai_api_key" in summary and "Field required" in summary
    assert "\n" not in summary


def test_output_without_a_traceback_gives_its_last_line() -> None:
    assert exception_summary("starting\nno module named app\n") == "no module named app"


def test_a_worker_that_dies_on_import_says_why() -> None:
    error = StartupTimeout("Celery worker of shop", 60, "booting\n" + PYDANTIC_FAILURE)
    assert "openai_api_key" in str(error) and "last log line" not in str(error)


def test_target_table_is_read_key_by_key() -> None:
    settings = target_settings({"celery_app": "svc.worker:app", "env": {"DEBUG": True, "WORKERS": 2},
                                "pass_env": ["OPENAI_API_KEY"], "setup": "alembic upgrade head",
                                "workers": [["--queues=webhooks"], ["--queues=tests"]]})
    assert settings.env == (("DEBUG", "true"), ("WORKERS", "2"))
    assert settings.setup == ("alembic", "upgrade", "head")
    assert settings.workers == (("--queues=webhooks",), ("--queues=tests",))


@pytest.mark.parametrize("raw,named", [({"env_flie": ".env"}, "env_flie"), ({"env": {"1BAD": "x"}}, "1BAD"),
                                       ({"pass_env": "TOKEN"}, "pass_env")])
def test_a_bad_target_table_is_one_line_naming_the_key(raw: dict[str, object], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        target_settings(raw)


def test_command_line_wins_over_the_project_table(tmp_path: Path) -> None:
    (tmp_path / "harness.toml").write_text('[target]\ncelery_app = "svc.worker:app"\nenv = { MODE = "table" }\n'
                                           'pass_env = ["A"]\n')
    config = load_config(tmp_path, run=RunOptions(target="", target_env=(("MODE", "flag"),), pass_env=("B",)))
    assert config.run.target == "svc.worker:app"  # no --target: the project's own app
    assert dict(config.target.env) == {"MODE": "flag"} and config.target.pass_env == ("A", "B")
    spec = resolve(config.run, config.target, tmp_path)
    assert spec.celery_app == "svc.worker:app" and spec.path == (tmp_path.resolve(),)


def test_no_target_anywhere_is_the_reference(tmp_path: Path) -> None:
    assert load_config(tmp_path, run=RunOptions(target="")).run.target == "reference"


def test_target_env_options_must_be_assignments() -> None:
    assert parse_assignments(["A=1", "B=x=y"]) == (("A", "1"), ("B", "x=y"))
    with pytest.raises(ConfigError, match="NAME=value"):
        parse_assignments(["sk-live-123"])


def test_project_env_layers_file_table_and_passed_names(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("# comment\nOPENAI_API_KEY=sk-file\nLOG_LEVEL=INFO\nMODE=file\n")
    settings = TargetSettings(env_file=".env", env=(("MODE", "table"),), pass_env=("SENTRY_DSN",))
    env = project_env(settings, tmp_path, {"SENTRY_DSN": "https://k@sentry/1", "UNRELATED": "x"})
    assert env == {"OPENAI_API_KEY": "sk-file", "LOG_LEVEL": "INFO", "MODE": "table",
                   "SENTRY_DSN": "https://k@sentry/1"}
    assert set(values_to_redact(env)) == {"sk-file", "https://k@sentry/1"}


@pytest.mark.parametrize("settings,problem", [(TargetSettings(pass_env=("NOPE",)), "NOPE"),
                                              (TargetSettings(env_file="missing.env"), "missing.env")])
def test_missing_project_settings_are_named(tmp_path: Path, settings: TargetSettings, problem: str) -> None:
    with pytest.raises(TargetError, match=problem):
        project_env(settings, tmp_path, {})


def test_the_wiring_wins_and_reaches_the_projects_own_names(tmp_path: Path) -> None:
    spec = resolve(RunOptions(target="reference"), TargetSettings(), tmp_path)
    project = {"CELERY_BROKER_URL": "amqp://prod-broker", "APP_MODE": "x", "PYTHONPATH": "/srv/src"}
    settings = TargetSettings(wiring=(("APP_BROKER", "CELERY_BROKER_URL"), ("DB_DSN", "DATABASE_URL")))
    env = prepare_env(spec, services(), RunSecrets(), "r1", tmp_path, {"PATH": "/bin", "SECRET": "no"},
                      project=project, settings=settings)
    assert env["CELERY_BROKER_URL"] == env["APP_BROKER"] != "amqp://prod-broker"
    assert env["DB_DSN"] == "postgresql://postgres@127.0.0.1:5432/harness_run_1"
    assert env["APP_MODE"] == "x" and "SECRET" not in env and env["PYTHONPATH"].endswith("/srv/src")


def test_wiring_a_value_the_harness_does_not_give_is_named(tmp_path: Path) -> None:
    spec = resolve(RunOptions(target="reference"), TargetSettings(), tmp_path)
    with pytest.raises(TargetError, match="REDIS_URL"):
        prepare_env(spec, services(), RunSecrets(), "r1", tmp_path, {},
                    settings=TargetSettings(wiring=(("CACHE", "REDIS_URL"),)))


def test_on_a_cluster_the_port_variable_names_the_node_the_url_list_starts_with(tmp_path: Path) -> None:
    spec = resolve(RunOptions(target="reference"), TargetSettings(), tmp_path)
    nodes = tuple(("127.0.0.1", p) for p in (5001, 5002, 5003))
    broker = Broker("127.0.0.1", 5003, "u", "p", vhost="run-1", cluster_nodes=nodes)
    cluster = Services("local", broker, Database("postgresql://postgres@127.0.0.1:5432/harness_run_1"))
    env = prepare_env(spec, cluster, RunSecrets(), "r1", tmp_path, {})
    assert env["CELERY_BROKER_URL"].split(";")[0].startswith("amqp://u:p@127.0.0.1:5001/")
    assert env["RABBITMQ_PORT"] == "5001"
