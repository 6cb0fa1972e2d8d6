"""Calls that fit each task's signature, and a project's own task names mapped onto the contract's roles."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.config import load_config
from harness.errors import ConfigError
from harness.launch.calls import CallNotBuilt, call_for

PAYLOAD = {"event": {"triggerUuid": "t-1"}}


def params(*spec: str) -> list[dict[str, object]]:
    """``"name"`` positional, ``"name="`` with a default, ``"*name"`` keyword-only, ``"**name"``, ``"*args"``."""
    out = []
    for item in spec:
        kind = ("VAR_KEYWORD" if item.startswith("**") else "VAR_POSITIONAL" if item == "*args"
                else "KEYWORD_ONLY" if item.startswith("*") else "POSITIONAL_OR_KEYWORD")
        out.append({"name": item.strip("*="), "kind": kind, "default": item.endswith("=")})
    return out


@pytest.mark.parametrize("signature,args,kwargs", [
    (params("payload"), [PAYLOAD], {}),
    (params("payload", "signature="), [PAYLOAD], {}),
    (params("repository", "branch", "timeout_s="), [PAYLOAD, "harness-branch"], {}),
    (params("*event", "*source"), [], {"event": PAYLOAD, "source": "harness-source"}),
    (params("*args"), [PAYLOAD], {}),
    (params("payload=", "**options"), [PAYLOAD], {}),
])
def test_the_payload_goes_first_and_required_parameters_get_placeholders(
        signature: list[dict[str, object]], args: list[object], kwargs: dict[str, object]) -> None:
    assert call_for("t", signature, PAYLOAD) == (args, kwargs)


def test_an_unknown_signature_gets_the_payload_alone() -> None:
    assert call_for("t", None, PAYLOAD) == ([PAYLOAD], {})


@pytest.mark.parametrize("signature", [params(), params("**options")])
def test_a_task_with_no_place_for_the_payload_is_the_harness_limit(signature: list[dict[str, object]]) -> None:
    with pytest.raises(CallNotBuilt, match="takes no argument"):
        call_for("shop.tick", signature, PAYLOAD)


def test_a_project_renames_and_drops_roles(tmp_path: Path) -> None:
    (tmp_path / "harness.toml").write_text(
        '[[tasks]]\nrole = "webhook"\nname = "shop.on_event"\n'
        '[[tasks]]\nrole = "generation"\ndrop = true\n'
        '[[tasks]]\nname = "shop.reindex"\nqueue = "tests"\nrouting_key = "test.reindex"\npriority = 1\n')
    contract = load_config(tmp_path).contract
    webhook = contract.role("webhook")
    assert webhook is not None and (webhook.name, webhook.queue, webhook.priority) == ("shop.on_event", "webhooks", 9)
    assert contract.role("generation") is None and contract.role_name("generation") == "generation"
    assert contract.retry.task == "shop.on_event"  # the retry policy follows its role's new name
    assert "shop.reindex" in [t.name for t in contract.tasks]


def test_a_task_entry_without_role_or_name_is_refused(tmp_path: Path) -> None:
    (tmp_path / "harness.toml").write_text('[[tasks]]\nqueue = "x"\n')
    with pytest.raises(ConfigError, match="role or a name"):
        load_config(tmp_path)


def test_scenario_subjects_follow_the_projects_names(tmp_path: Path) -> None:
    (tmp_path / "harness.toml").write_text('[[tasks]]\nrole = "webhook"\nname = "shop.on_event"\n')
    contract = load_config(tmp_path).contract
    assert contract.project_name("ai_agent_background.process_monday_webhook") == "shop.on_event"
    assert contract.project_name("ai_agent_background.run_tests") == "ai_agent_background.run_tests"
    assert contract.project_name("webhooks") == "webhooks"
