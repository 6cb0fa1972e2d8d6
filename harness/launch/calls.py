"""Calls that fit a task's declared signature, so the harness can publish any project's tasks.

The payload (with its probe marker and triggerUuid) goes into the first parameter that can take it; any
other required parameter gets a placeholder naming it. A task whose signature leaves no place for the
payload cannot be called by the harness: that is the harness's limit, reported as such, never a defect.
"""

from __future__ import annotations

from typing import Any

from harness.findings import CheckSkipped

POSITIONAL = ("POSITIONAL_ONLY", "POSITIONAL_OR_KEYWORD")


class CallNotBuilt(CheckSkipped):
    """The harness cannot build a call of this task that carries its payload: the check that needed it is
    skipped with that reason."""


def call_for(task: str, params: list[dict[str, Any]] | None, payload: Any) -> tuple[list[Any], dict[str, Any]]:
    """(args, kwargs) for ``task`` with ``payload`` in its first parameter. Unknown signature: one argument."""
    if params is None:
        return [payload], {}
    if any(p["kind"] == "VAR_POSITIONAL" for p in params) and not _positional(params):
        return [payload], {}
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    placed = False
    for param in params:
        value = payload if not placed else f"harness-{param['name']}"
        if param["kind"] in POSITIONAL and (not placed or not param["default"]):
            args.append(value)
            placed = True
        elif param["kind"] == "KEYWORD_ONLY" and (not placed or not param["default"]):
            kwargs[param["name"]] = value
            placed = True
    if not placed:
        raise CallNotBuilt(f"{task} takes no argument that could carry the harness's payload "
                           f"(its parameters: {', '.join(p['name'] for p in params) or 'none'})")
    return args, kwargs


def _positional(params: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [p for p in params if p["kind"] in POSITIONAL]
