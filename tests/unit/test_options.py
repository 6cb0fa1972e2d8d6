"""One option table: each option has help, an environment variable and a project-file key; precedence holds."""

from pathlib import Path

import pytest

from harness.cli import build_parser, main
from harness.config import config_from_options
from harness.errors import ConfigError
from harness.faults.plan import parse_faults
from harness.option_parsers import pytest_flags
from harness.options import GATE, OPTIONS, by_name, resolve


def test_every_option_has_help() -> None:
    assert all(len(o.help) > 10 for o in OPTIONS)


def test_run_help_lists_every_option_and_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["run", "--help"])
    text = capsys.readouterr().out
    for option in OPTIONS:
        if GATE in option.where:
            assert option.cli_flag in text
    assert "exit codes" in text and "2  the harness could not run" in text


def test_command_line_beats_environment_beats_file() -> None:
    table = {"services": "local", "quick": True}
    env = {"HARNESS_SERVICES": "external"}
    assert resolve(GATE, {"services": "docker"}, env, table)["services"] == "docker"
    assert resolve(GATE, {}, env, table)["services"] == "external"
    assert resolve(GATE, {}, {}, table)["services"] == "local" and resolve(GATE, {}, {}, table)["quick"] is True
    assert resolve(GATE, {}, {}, {})["services"] == "auto"


def test_a_bad_value_in_the_file_is_one_line() -> None:
    with pytest.raises(ConfigError, match=r"\[tool.harness.run\] services must be one of"):
        resolve(GATE, {}, {}, {"services": "cloud"})


@pytest.mark.parametrize("table,needle", [
    ('[tool.harness.run]\nservise = "local"\n', "'servise'"),
    ('[tool.harness.webhook]\nschem = "jwt"\n', "[tool.harness].webhook has an unknown key 'schem'"),
    ('[tool.harness]\nlatencyy = 1\n', "'latencyy'"),
    ('[[tool.harness.tasks]]\nrole = "webhook"\nqueu = "x"\n', "'queu'"),
])
def test_an_unknown_key_is_named(tmp_path: Path, table: str, needle: str) -> None:
    (tmp_path / "pyproject.toml").write_text(table)
    with pytest.raises(ConfigError) as caught:
        config_from_options(tmp_path, GATE, {}, {}, parse_faults)
    assert needle in str(caught.value) and "\n" not in str(caught.value)


def test_the_cli_exits_2_on_an_unknown_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.harness.run]\nservise = "local"\n')
    monkeypatch.chdir(tmp_path)
    assert main(["run"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_run_table_sets_the_target(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.harness.run]\ntarget = "seed"\nservices = "external"\n')
    config = config_from_options(tmp_path, GATE, {}, {}, parse_faults)
    assert config.run.target == "seed" and config.services.backend == "external"


def test_pytest_spelling_yields_to_a_projects_own_option() -> None:
    target = by_name("target")
    assert pytest_flags(target, set()) == ["--harness-target", "--target"]
    assert pytest_flags(target, {"--target"}) == ["--harness-target"]
