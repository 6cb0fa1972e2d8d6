"""The slice of Monday's GraphQL schema (API v2) that the emulator serves, as SDL for graphql-core.

Root fields and the scope each needs (:data:`ROOT_SCOPES`):

- ``query { me }``: ``me:read``. Monday's scope list describes me:read as reading the
  authenticated user's details; the emulator requires it for ``me``.
- ``change_column_value(board_id: ID!, item_id: ID, column_id: String!, value: JSON!)``: boards:write.
- ``change_simple_column_value(board_id: ID!, item_id: ID, column_id: String!, value: String)``:
  boards:write (``value`` is nullable since 2023-10, to clear a column).
- ``create_update(item_id: ID, body: String!)``: updates:write.

Object fields are nullable and arguments keep Monday's order, so that validation messages name
types and missing arguments as Monday does. ``JSON`` and ``Date`` are custom scalars with
graphql-core's default behaviour: any value passes through unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from graphql import GraphQLSchema, build_schema, specified_scalar_types

SDL = """
scalar JSON
scalar Date

type Query {
  me: User
}

type Mutation {
  change_column_value(
    board_id: ID!, item_id: ID, column_id: String!, create_labels_if_missing: Boolean, value: JSON!
  ): Item
  change_simple_column_value(
    board_id: ID!, item_id: ID, column_id: String!, create_labels_if_missing: Boolean, value: String
  ): Item
  create_update(item_id: ID, body: String!): Update
}

type User {
  id: ID
  name: String
  email: String
  is_guest: Boolean
  account: Account
}

type Account {
  id: ID
  name: String
}

type Board {
  id: ID
  name: String
}

type Item {
  id: ID
  name: String
  board: Board
  column_values: [ColumnValue]
  updates: [Update]
}

type ColumnValue {
  id: ID
  text: String
  value: JSON
}

type Update {
  id: ID
  body: String
  text_body: String
  item_id: ID
  creator_id: ID
  created_at: Date
}
"""


def _with_all_scalars(schema: GraphQLSchema) -> GraphQLSchema:
    """``schema`` plus the built-in scalars it does not use (Int, Float), so variables may declare them."""
    kwargs = schema.to_kwargs()
    kwargs["types"] = (*(kwargs["types"] or ()), *specified_scalar_types.values())
    return GraphQLSchema(**kwargs)


SCHEMA: GraphQLSchema = _with_all_scalars(build_schema(SDL))

# The OAuth scope a token needs to use each root field (checked before its resolver runs).
ROOT_SCOPES: Mapping[str, str] = MappingProxyType(
    {
        "me": "me:read",
        "change_column_value": "boards:write",
        "change_simple_column_value": "boards:write",
        "create_update": "updates:write",
    }
)
