"""The slice of Monday's GraphQL schema (API v2) that the emulator serves.

Root fields, their arguments and the scope each needs:

- ``query { me }``: ``me:read``. Monday's scope list describes me:read as reading the
  authenticated user's details; the emulator requires it for ``me``.
- ``change_column_value(board_id: ID!, item_id: ID, column_id: String!, value: JSON!)``: boards:write.
- ``change_simple_column_value(board_id: ID!, item_id: ID, column_id: String!, value: String)``:
  boards:write (``value`` is nullable since 2023-10, to clear a column).
- ``create_update(item_id: ID, body: String!)``: updates:write.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

SCALARS: frozenset[str] = frozenset({"ID", "String", "Boolean", "Int", "Float", "JSON", "Date"})


@dataclass(frozen=True)
class FieldType:
    """The type of an object field: a scalar or object type name, possibly a list of it."""

    type_name: str
    is_list: bool = False

    @property
    def is_object(self) -> bool:
        return self.type_name not in SCALARS

    def __str__(self) -> str:
        return f"[{self.type_name}]" if self.is_list else self.type_name


def _fields(**types: str) -> Mapping[str, FieldType]:
    return MappingProxyType({name: FieldType(t.strip("[]"), t.startswith("[")) for name, t in types.items()})


OBJECT_TYPES: Mapping[str, Mapping[str, FieldType]] = MappingProxyType(
    {
        "User": _fields(id="ID", name="String", email="String", is_guest="Boolean", account="Account"),
        "Account": _fields(id="ID", name="String"),
        "Board": _fields(id="ID", name="String"),
        "Item": _fields(
            id="ID", name="String", board="Board", column_values="[ColumnValue]", updates="[Update]"
        ),
        "ColumnValue": _fields(id="ID", text="String", value="JSON"),
        "Update": _fields(
            id="ID", body="String", text_body="String", item_id="ID", creator_id="ID", created_at="Date"
        ),
    }
)


@dataclass(frozen=True)
class ArgSpec:
    """A root-field argument: a scalar type, required (non-null) or not."""

    type_name: str
    required: bool = False

    def __str__(self) -> str:
        return f"{self.type_name}!" if self.required else self.type_name


@dataclass(frozen=True)
class RootField:
    """A field of ``Query`` or ``Mutation`` with the scope its use requires."""

    name: str
    operation: str
    returns: str
    scope: str
    args: Mapping[str, ArgSpec]


def _root(name: str, operation: str, returns: str, scope: str, **args: ArgSpec) -> RootField:
    return RootField(name, operation, returns, scope, MappingProxyType(args))


_COLUMN_ARGS = {
    "board_id": ArgSpec("ID", required=True),
    "item_id": ArgSpec("ID"),
    "column_id": ArgSpec("String", required=True),
    "create_labels_if_missing": ArgSpec("Boolean"),
}

ROOT_FIELDS: Mapping[tuple[str, str], RootField] = MappingProxyType(
    {
        ("query", "me"): _root("me", "query", "User", "me:read"),
        ("mutation", "change_column_value"): _root(
            "change_column_value", "mutation", "Item", "boards:write",
            **_COLUMN_ARGS, value=ArgSpec("JSON", required=True),
        ),
        ("mutation", "change_simple_column_value"): _root(
            "change_simple_column_value", "mutation", "Item", "boards:write",
            **_COLUMN_ARGS, value=ArgSpec("String"),
        ),
        ("mutation", "create_update"): _root(
            "create_update", "mutation", "Update", "updates:write",
            item_id=ArgSpec("ID"), body=ArgSpec("String", required=True),
        ),
    }
)  # fmt: skip

ROOT_TYPE_NAMES: Mapping[str, str] = MappingProxyType({"query": "Query", "mutation": "Mutation"})
