"""The emulator's GraphQL on graphql-core: prepare a request, then execute it with the resolvers.

:func:`prepare` parses, validates (:data:`harness.monday.ruby_rules.RULES`), picks the operation
and coerces the variables. An invalid request raises :class:`GraphQLErrors` before anything runs:
only ``errors``, no ``data``, as in graphql-ruby. Fragments and ``@include``/``@skip`` are
graphql-core's, so the root fields of a prepared operation are those left after both.

:func:`execute` runs the root fields' resolvers after a scope check. A field the token may not use,
or whose resolver fails, becomes ``null`` in ``data`` with an entry in ``errors`` (partial data, as
Monday returns it). From API version 2025-07 on, the missing-permission code is
``USER_UNAUTHORIZED``; before, ``UserUnauthorizedException`` (developer.monday.com changelog,
"Breaking change: Updated user unauthorized error code").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from graphql import (
    DocumentNode,
    Executor,
    FieldNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    VariableValues,
    execute_sync,
    get_argument_values,
    parse,
    validate,
)
from graphql.execution.collect_fields import FragmentDetails, collect_fields

from harness.monday.config import UNIFIED_ERRORS_VERSION
from harness.monday.resolvers import RESOLVERS, ObjectTree, ResolverError
from harness.monday.ruby_errors import invalid_variable, no_operation_named, operation_name_required, syntax_error
from harness.monday.ruby_rules import RULES, in_ruby_order
from harness.monday.schema import ROOT_SCOPES, SCHEMA
from harness.monday.state import EmulatorState, TokenRecord

GqlError = dict[str, Any]


class GraphQLErrors(Exception):
    """A request that fails before execution (parse, validation, operation or variable errors)."""

    def __init__(self, errors: Iterable[GraphQLError]) -> None:
        self.errors = formatted(errors)
        super().__init__("; ".join(str(e["message"]) for e in self.errors))


@dataclass(frozen=True)
class RootField:
    """A root field the operation will run: its response key, name, node and coerced arguments."""

    key: str
    name: str
    node: FieldNode
    args: dict[str, Any]


@dataclass(frozen=True)
class PreparedOperation:
    """A valid request, ready to execute."""

    document: DocumentNode
    kind: str
    name: str | None
    variables: dict[str, Any]
    fields: tuple[RootField, ...]


@dataclass
class OperationResult:
    """``data`` and ``errors`` of an executed operation, plus the error codes for the call log."""

    data: dict[str, Any] = field(default_factory=dict)
    errors: list[GqlError] = field(default_factory=list)

    @property
    def codes(self) -> list[str]:
        return [str(e.get("extensions", {}).get("code")) for e in self.errors]


@dataclass(frozen=True)
class Call:
    """What the resolvers of one request see as ``info.context``."""

    state: EmulatorState
    token: TokenRecord
    api_version: str


def prepare(query: str, variables: Mapping[str, Any], operation_name: str | None) -> PreparedOperation:
    """Parse and validate ``query`` and bind ``variables``; raise :class:`GraphQLErrors` if invalid."""
    document = valid_document(query)
    operation = _select(document, operation_name)
    name = operation.name.value if operation.name else None
    executor = Executor.build(SCHEMA, document, raw_variable_values=dict(variables), operation_name=name)
    if isinstance(executor, list):
        raise GraphQLErrors(map(invalid_variable, executor))
    fields = root_fields(operation, executor.fragments, executor.variable_values)
    return PreparedOperation(document, operation.operation.value, name, dict(variables), fields)


@lru_cache(maxsize=256)
def valid_document(query: str) -> DocumentNode:
    """The parsed ``query`` if it is valid, else raise :class:`GraphQLErrors`.

    Valid documents are kept by their text: a client sends the same few queries with new variables,
    and validation is most of the cost of a request.
    """
    try:
        document = parse(query)
    except GraphQLSyntaxError as exc:
        raise GraphQLErrors([syntax_error(exc)]) from exc
    errors = validate(SCHEMA, document, RULES)
    if errors:
        raise GraphQLErrors(in_ruby_order(errors))
    return document


def _select(document: DocumentNode, name: str | None) -> OperationDefinitionNode:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name:
        named = [op for op in operations if op.name and op.name.value == name]
        if not named:
            raise GraphQLErrors([no_operation_named(name)])
        return named[0]
    if len(operations) > 1:
        raise GraphQLErrors([operation_name_required()])
    return operations[0]


def root_fields(
    operation: OperationDefinitionNode, fragments: dict[str, FragmentDetails], variables: VariableValues
) -> tuple[RootField, ...]:
    """The root fields left once fragments are spread and ``@include``/``@skip`` applied."""
    root_type = SCHEMA.get_root_type(operation.operation)
    if root_type is None:
        return ()
    collected = collect_fields(SCHEMA, fragments, variables, root_type, operation)
    grouped = collected.grouped_field_set
    return tuple(_root_field(root_type, key, details[0].node, variables) for key, details in grouped.items())


def _root_field(root_type: GraphQLObjectType, key: str, node: FieldNode, variables: VariableValues) -> RootField:
    definition = root_type.fields.get(node.name.value)
    args = get_argument_values(definition, node, variables) if definition else {}
    return RootField(key, node.name.value, node, args)


def execute(
    state: EmulatorState, operation: PreparedOperation, token: TokenRecord, api_version: str
) -> OperationResult:
    """Run the operation's root fields (serially for a mutation) and project them onto the selection."""
    result = execute_sync(
        SCHEMA,
        operation.document,
        root_value=ROOT_VALUE,
        context_value=Call(state, token, api_version),
        variable_values=operation.variables,
        operation_name=operation.name,
    )
    return OperationResult(data=result.data or {}, errors=formatted(result.errors or ()))


def unauthorized(api_version: str) -> ResolverError:
    """Monday's missing-permission error, in the shape of ``api_version``."""
    code = "USER_UNAUTHORIZED" if api_version >= UNIFIED_ERRORS_VERSION else "UserUnauthorizedException"
    return ResolverError(code, "User unauthorized to perform action", status_code=403)


def _root_resolver(name: str) -> Callable[..., ObjectTree]:
    resolver, scope = RESOLVERS[name], ROOT_SCOPES[name]

    def resolve(info: GraphQLResolveInfo[Call], **args: Any) -> ObjectTree:
        call = info.context
        if scope not in call.token.scopes:
            raise unauthorized(call.api_version)
        return resolver(call.state, args, call.token)

    return resolve


ROOT_VALUE: Mapping[str, Callable[..., ObjectTree]] = MappingProxyType(
    {name: _root_resolver(name) for name in RESOLVERS}
)
"""The root object: graphql-core's default resolver calls its entries with ``(info, **args)``."""


def formatted(errors: Iterable[GraphQLError]) -> list[GqlError]:
    """The ``errors`` array of a response, each distinct error once."""
    out: list[GqlError] = []
    for error in errors:
        entry = dict(error.formatted)
        if entry not in out:
            out.append(entry)
    return out

