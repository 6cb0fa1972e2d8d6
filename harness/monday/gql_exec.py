"""Execute a prepared operation: scope checks, resolvers, and projection onto the selection.

A field the token may not use, or whose resolver fails, becomes ``null`` in ``data`` with an entry
in ``errors`` (partial data, as Monday returns it). From API version 2025-07 on, the missing-
permission code is ``USER_UNAUTHORIZED``; before, ``UserUnauthorizedException`` (developer.monday.com
changelog, "Breaking change: Updated user unauthorized error code").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harness.monday.config import UNIFIED_ERRORS_VERSION
from harness.monday.gql_parser import Field
from harness.monday.gql_schema import OBJECT_TYPES
from harness.monday.gql_validate import PreparedField, PreparedOperation
from harness.monday.gql_values import GqlError, gql_error
from harness.monday.resolvers import RESOLVERS, ObjectTree, ResolverError
from harness.monday.state import EmulatorState, TokenRecord


@dataclass
class ExecutionResult:
    """``data`` and ``errors`` of an executed operation, plus the error codes for the call log."""

    data: dict[str, Any] = field(default_factory=dict)
    errors: list[GqlError] = field(default_factory=list)

    @property
    def codes(self) -> list[str]:
        return [str(e.get("extensions", {}).get("code")) for e in self.errors]


def execute(
    state: EmulatorState, operation: PreparedOperation, token: TokenRecord, api_version: str
) -> ExecutionResult:
    """Run every root field in order (mutations are serial in GraphQL anyway)."""
    result = ExecutionResult()
    for prepared in operation.fields:
        key = prepared.node.key
        try:
            tree = _run(state, prepared, token, api_version)
        except ResolverError as exc:
            result.data[key] = None
            result.errors.append(_resolver_error(exc, prepared.node, key))
            continue
        result.data[key] = project(tree, prepared.node, prepared.spec.returns)
    return result


def _run(state: EmulatorState, prepared: PreparedField, token: TokenRecord, api_version: str) -> ObjectTree:
    if prepared.spec.scope not in token.scopes:
        raise unauthorized(api_version)
    return RESOLVERS[prepared.spec.name](state, prepared.args, token)


def unauthorized(api_version: str) -> ResolverError:
    """Monday's missing-permission error, in the shape of ``api_version``."""
    code = "USER_UNAUTHORIZED" if api_version >= UNIFIED_ERRORS_VERSION else "UserUnauthorizedException"
    return ResolverError(code, "User unauthorized to perform action", status_code=403)


def _resolver_error(exc: ResolverError, node: Field, key: str) -> GqlError:
    return gql_error(
        exc.message,
        line=node.line,
        column=node.column,
        path=[key],
        code=exc.code,
        status_code=exc.status_code,
        error_data=dict(exc.error_data),
    )


def project(tree: Any, node: Field, type_name: str) -> Any:
    """Keep only what the selection asks for (validation already checked every field)."""
    if tree is None or node.selections is None:
        return tree
    if isinstance(tree, list):
        return [project(item, node, type_name) for item in tree]
    out: dict[str, Any] = {}
    for child in node.selections:
        if child.name == "__typename":
            out[child.key] = type_name
            continue
        child_type = OBJECT_TYPES[type_name][child.name]
        out[child.key] = project(tree.get(child.name), child, child_type.type_name)
    return out
