"""Parse, validate and bind variables: turn a request into a :class:`PreparedOperation`.

Validation is static (against :mod:`gql_schema`) and happens before anything executes, as in
graphql-ruby: an invalid document yields only ``errors``, no ``data``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from harness.monday.gql_lexer import GraphQLSyntaxError
from harness.monday.gql_parser import Field, Operation, Variable, VariableDef, parse
from harness.monday.gql_schema import OBJECT_TYPES, ROOT_FIELDS, ROOT_TYPE_NAMES, SCALARS, RootField
from harness.monday.gql_values import (
    GqlError,
    GraphQLErrors,
    coerce_scalar,
    gql_error,
    literal_ok,
    resolve,
    value_ok,
    variable_fits,
    variables_in,
)


@dataclass(frozen=True)
class PreparedField:
    """A root field ready to execute: its node, its schema entry and its bound arguments."""

    node: Field
    spec: RootField
    args: dict[str, object]


@dataclass(frozen=True)
class PreparedOperation:
    kind: str
    name: str | None
    fields: tuple[PreparedField, ...]


def prepare(query: str, variables: Mapping[str, object], operation_name: str | None) -> PreparedOperation:
    """Parse and validate ``query`` and bind ``variables``; raise :class:`GraphQLErrors` if invalid."""
    try:
        operations = parse(query)
    except GraphQLSyntaxError as exc:
        raise GraphQLErrors([gql_error(exc.message, line=exc.line, column=exc.column)]) from exc
    operation = _select(operations, operation_name)
    errors = _validate(operation)
    if errors:
        raise GraphQLErrors(errors)
    bound = _bind_variables(operation.variables, variables)
    fields = tuple(_prepared(operation.kind, node, bound) for node in operation.selections)
    return PreparedOperation(operation.kind, operation.name, fields)


def _select(operations: list[Operation], name: str | None) -> Operation:
    if name:
        match = [op for op in operations if op.name == name]
        if not match:
            raise GraphQLErrors([gql_error(f'No operation named "{name}"')])
        return match[0]
    if len(operations) > 1:
        raise GraphQLErrors([gql_error("An operation name is required")])
    return operations[0]


def _validate(operation: Operation) -> list[GqlError]:
    if operation.kind not in ROOT_TYPE_NAMES:
        return [gql_error(f"Schema is not configured for {operation.kind}s")]
    declared = {v.name: v for v in operation.variables}
    errors = [e for v in operation.variables for e in _check_var_type(v)]
    for node in operation.selections:
        errors += _check_root(operation.kind, node, declared)
    used = {name for node in operation.selections for _, arg in node.args for name in variables_in(arg)}
    label = f"{operation.kind} {operation.name}" if operation.name else f"anonymous {operation.kind}"
    for name in declared.keys() - used:
        errors.append(
            gql_error(f"Variable ${name} is declared by {label} but not used", code="variableNotUsed")
        )
    for name in sorted(used - declared.keys()):
        errors.append(
            gql_error(f"Variable ${name} is used by {label} but not declared", code="variableNotDefined")
        )
    return errors


def _check_var_type(var: VariableDef) -> list[GqlError]:
    base = var.type
    while base.item is not None:
        base = base.item
    if base.name in SCALARS:
        return []
    return [
        gql_error(
            f"{base.name} isn't a defined input type (on ${var.name})", code="variableRequiresValidType"
        )
    ]


def _check_root(kind: str, node: Field, declared: Mapping[str, VariableDef]) -> list[GqlError]:
    spec = ROOT_FIELDS.get((kind, node.name))
    path = [kind, node.key]
    if spec is None:
        return [_undefined(node, ROOT_TYPE_NAMES[kind], path)]
    errors = _check_args(spec, node, declared, path)
    return errors + _check_selection(node, spec.returns, False, path)


def _check_args(
    spec: RootField, node: Field, declared: Mapping[str, VariableDef], path: list[str]
) -> list[GqlError]:
    errors: list[GqlError] = []
    given = dict(node.args)
    for name, value in node.args:
        arg = spec.args.get(name)
        if arg is None:
            errors.append(_not_accepted(node, name, path))
        elif isinstance(value, Variable):
            var = declared.get(value.name)
            if var is not None and not variable_fits(var.type, var.default is not None, arg):
                errors.append(
                    gql_error(
                        f"Type mismatch on variable ${value.name} and argument {name} ({var.type} / {arg})",
                        line=node.line,
                        column=node.column,
                        path=[*path, name],
                        code="variableMismatch",
                    )
                )
        elif not literal_ok(value, arg):
            errors.append(
                gql_error(
                    f"Argument '{name}' on Field '{node.name}' has an invalid value. Expected type '{arg}'.",
                    line=node.line,
                    column=node.column,
                    path=[*path, name],
                    code="argumentLiteralsIncompatible",
                )
            )
    missing = [name for name, arg in spec.args.items() if arg.required and name not in given]
    if missing:
        errors.append(
            gql_error(
                f"Field '{node.name}' is missing required arguments: {', '.join(missing)}",
                line=node.line,
                column=node.column,
                path=path,
                code="missingRequiredArguments",
            )
        )
    return errors


def _check_selection(node: Field, type_name: str, is_list: bool, path: list[str]) -> list[GqlError]:
    if type_name in SCALARS:
        if node.selections is None:
            return []
        return [
            gql_error(
                f"Selections can't be made on scalars (field '{node.name}' returns {type_name} "
                "but has selections)",
                line=node.line,
                column=node.column,
                path=path,
                code="selectionMismatch",
            )
        ]
    if node.selections is None:
        shown = f"[{type_name}]" if is_list else type_name
        return [
            gql_error(
                f"Field must have selections (field '{node.name}' returns {shown} but has no "
                f"selections. Did you mean '{node.name} {{ ... }}'?)",
                line=node.line,
                column=node.column,
                path=path,
                code="selectionMismatch",
            )
        ]
    return [e for child in node.selections for e in _check_child(child, type_name, path)]


def _check_child(child: Field, type_name: str, path: list[str]) -> list[GqlError]:
    child_path = [*path, child.key]
    if child.name == "__typename":
        return _check_selection(child, "String", False, child_path)
    field_type = OBJECT_TYPES[type_name].get(child.name)
    if field_type is None:
        return [_undefined(child, type_name, child_path)]
    errors = [_not_accepted(child, name, child_path) for name, _ in child.args]
    return errors + _check_selection(child, field_type.type_name, field_type.is_list, child_path)


def _undefined(node: Field, type_name: str, path: list[str]) -> GqlError:
    return gql_error(
        f"Field '{node.name}' doesn't exist on type '{type_name}'",
        line=node.line,
        column=node.column,
        path=path,
        code="undefinedField",
        typeName=type_name,
        fieldName=node.name,
    )


def _not_accepted(node: Field, arg: str, path: list[str]) -> GqlError:
    return gql_error(
        f"Field '{node.name}' doesn't accept argument '{arg}'",
        line=node.line,
        column=node.column,
        path=path,
        code="argumentNotAccepted",
        name=node.name,
        argumentName=arg,
    )


def _bind_variables(defs: tuple[VariableDef, ...], given: Mapping[str, object]) -> dict[str, object]:
    bound: dict[str, object] = {}
    errors: list[GqlError] = []
    for var in defs:
        value = (
            given[var.name]
            if var.name in given
            else (resolve(var.default, {}) if var.default is not None else None)
        )
        if not value_ok(value, var.type):
            errors.append(gql_error(f"Variable ${var.name} of type {var.type} was provided invalid value"))
        bound[var.name] = value
    if errors:
        raise GraphQLErrors(errors)
    return bound


def _prepared(kind: str, node: Field, variables: Mapping[str, object]) -> PreparedField:
    spec = ROOT_FIELDS[(kind, node.name)]
    args = {
        name: coerce_scalar(resolve(value, variables), spec.args[name].type_name) for name, value in node.args
    }
    return PreparedField(node, spec, args)
