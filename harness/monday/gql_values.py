"""GraphQL values: error objects, scalar coercion and variable type checks.

Messages and ``extensions.code`` values follow graphql-ruby, the engine behind Monday's API, so a
client sees the same wording it would see from Monday.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from harness.monday.gql_parser import Const, EnumValue, ListValue, ObjectValue, TypeRef, ValueNode, Variable
from harness.monday.gql_schema import SCALARS, ArgSpec

GqlError = dict[str, Any]
_MISSING = object()


class GraphQLErrors(Exception):
    """A request that fails before execution (parse, validation or variable errors)."""

    def __init__(self, errors: list[GqlError]) -> None:
        super().__init__("; ".join(str(e["message"]) for e in errors))
        self.errors = errors


def gql_error(
    message: str,
    *,
    line: int | None = None,
    column: int | None = None,
    path: list[str] | None = None,
    **extensions: Any,
) -> GqlError:
    """An entry of a GraphQL ``errors`` array."""
    error: GqlError = {"message": message}
    if line is not None and column is not None:
        error["locations"] = [{"line": line, "column": column}]
    if path is not None:
        error["path"] = path
    if extensions:
        error["extensions"] = extensions
    return error


def scalar_ok(value: object, type_name: str) -> bool:
    """Whether a runtime (JSON) value is acceptable for a scalar type."""
    if type_name in ("JSON",):
        return True
    if isinstance(value, bool):
        return type_name == "Boolean"
    if type_name == "ID":
        return isinstance(value, str | int)
    if type_name in ("String", "Date"):
        return isinstance(value, str)
    if type_name == "Int":
        return isinstance(value, int)
    if type_name == "Float":
        return isinstance(value, int | float)
    return False


def coerce_scalar(value: object, type_name: str) -> object:
    """Normalise an accepted scalar (IDs become strings, as Monday serialises them)."""
    if type_name == "ID" and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def value_ok(value: object, type_ref: TypeRef) -> bool:
    """Whether a variable's runtime value matches its declared type."""
    if value is None:
        return not type_ref.non_null
    if type_ref.item is not None:
        return isinstance(value, list) and all(value_ok(v, type_ref.item) for v in value)
    return type_ref.name in SCALARS and scalar_ok(value, str(type_ref.name))


def literal_ok(node: ValueNode, spec: ArgSpec) -> bool:
    """Whether an inline (non-variable) argument literal fits the argument type."""
    if isinstance(node, Const):
        return scalar_ok(node.value, spec.type_name) if node.value is not None else not spec.required
    if isinstance(node, EnumValue):
        return False
    return spec.type_name == "JSON"


def variable_fits(var_type: TypeRef, has_default: bool, spec: ArgSpec) -> bool:
    """GraphQL's "variables in allowed position" rule, for scalar arguments."""
    if var_type.item is not None or var_type.name != spec.type_name:
        return False
    return var_type.non_null or has_default or not spec.required


def resolve(node: ValueNode, variables: Mapping[str, object]) -> object:
    """The Python value of an argument node, with variables substituted."""
    if isinstance(node, Variable):
        return variables.get(node.name)
    if isinstance(node, Const):
        return node.value
    if isinstance(node, EnumValue):
        return node.name
    if isinstance(node, ListValue):
        return [resolve(item, variables) for item in node.items]
    return {name: resolve(value, variables) for name, value in node.fields}


def variables_in(node: ValueNode) -> Iterator[str]:
    """Names of the variables an argument node uses."""
    if isinstance(node, Variable):
        yield node.name
    elif isinstance(node, ListValue):
        for item in node.items:
            yield from variables_in(item)
    elif isinstance(node, ObjectValue):
        for _, value in node.fields:
            yield from variables_in(value)
