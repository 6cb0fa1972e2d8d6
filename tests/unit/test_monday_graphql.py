"""The emulator's hand-rolled GraphQL parser and validator (harness.monday.gql_*)."""

from __future__ import annotations

import re

import pytest

from harness.monday.gql_lexer import GraphQLSyntaxError
from harness.monday.gql_parser import Const, EnumValue, ListValue, ObjectValue, Variable, parse
from harness.monday.gql_validate import prepare
from harness.monday.gql_values import GraphQLErrors, resolve

COLUMN = 'change_simple_column_value(board_id: 1, item_id: 2, column_id: "text", value: "v") { id }'


def errors_of(query: str, variables: dict[str, object] | None = None, name: str | None = None) -> list[str]:
    with pytest.raises(GraphQLErrors) as caught:
        prepare(query, variables or {}, name)
    return [str(e["message"]) for e in caught.value.errors]


def test_literals_of_every_kind() -> None:
    query = """
    # a comment, and commas are ignored
    mutation Named {
      a: create_update(item_id: 12, body: "line\\n\\u00e9", ) { id }
      b: change_column_value(board_id: "1", column_id: "c", value: {x: [1, 2.5, true, null, ENUM]}) { id }
      c: create_update(item_id: 3, body: \"\"\"
          block
            indented
      \"\"\") { id }
    }
    """
    (operation,) = parse(query)
    assert (operation.kind, operation.name) == ("mutation", "Named")
    a, b, c = operation.selections
    assert a.key == "a" and a.name == "create_update"
    assert dict(a.args) == {"item_id": Const(12), "body": Const("line\né")}
    value = dict(b.args)["value"]
    assert isinstance(value, ObjectValue)
    assert value.fields == (("x", ListValue((Const(1), Const(2.5), Const(True), Const(None), EnumValue("ENUM")))),)
    assert dict(c.args)["body"] == Const("block\n  indented")


def test_variables_resolve_with_defaults() -> None:
    query = "mutation ($item: ID = 5, $body: String!) { create_update(item_id: $item, body: $body) { id } }"
    prepared = prepare(query, {"body": "hello"}, None)
    assert prepared.fields[0].args == {"item_id": "5", "body": "hello"}
    assert resolve(Variable("body"), {"body": "x"}) == "x"


def test_shorthand_query_and_positions() -> None:
    (operation,) = parse("{\n  me {\n    id\n  }\n}")
    me = operation.selections[0]
    assert (operation.kind, me.name, me.line, me.column) == ("query", "me", 2, 3)
    assert me.selections is not None and me.selections[0].name == "id"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("{ me { id } ", "Unexpected end of document"),
        ("{ me { id } } }", 'Parse error on "}" (RCURLY) at [1, 15]'),
        ("query Q { ...F }", "Fragments are not supported by the Monday emulator"),
        ("fragment F on User { id }", "Fragments are not supported by the Monday emulator"),
        ("{ me @include(if: true) { id } }", "Directives are not supported by the Monday emulator"),
    ],
)
def test_syntax_errors(query: str, message: str) -> None:
    with pytest.raises(GraphQLSyntaxError, match=re.escape(message)):
        parse(query)


@pytest.mark.parametrize(
    ("query", "variables", "expected"),
    [
        ("{ boards { id } }", {}, "Field 'boards' doesn't exist on type 'Query'"),
        ("mutation { me { id } }", {}, "Field 'me' doesn't exist on type 'Mutation'"),
        ("{ me { id nickname } }", {}, "Field 'nickname' doesn't exist on type 'User'"),
        ("{ me }", {}, "Field must have selections (field 'me' returns User but has no selections."),
        ("{ me { id { x } } }", {}, "Selections can't be made on scalars (field 'id' returns ID"),
        ('mutation { create_update(item_id: 1) { id } }', {},
         "Field 'create_update' is missing required arguments: body"),
        ('mutation { create_update(item_id: 1, body: "b", color: "red") { id } }', {},
         "Field 'create_update' doesn't accept argument 'color'"),
        ('mutation { create_update(item_id: 1, body: 5) { id } }', {},
         "Argument 'body' on Field 'create_update' has an invalid value. Expected type 'String!'."),
        ("mutation ($b: String!) { create_update(item_id: 1, body: $c) { id } }", {"b": "x"},
         "Variable $b is declared by anonymous mutation but not used"),
        ("mutation ($b: String) { create_update(item_id: 1, body: $b) { id } }", {},
         "Type mismatch on variable $b and argument body (String / String!)"),
        ("mutation ($b: String!) { create_update(item_id: 1, body: $b) { id } }", {},
         "Variable $b of type String! was provided invalid value"),
        ("mutation ($b: String!) { create_update(item_id: 1, body: $b) { id } }", {"b": 3},
         "Variable $b of type String! was provided invalid value"),
        ("mutation ($v: ColumnInput!) { " + COLUMN + " }", {},
         "ColumnInput isn't a defined input type (on $v)"),
        ("subscription { me { id } }", {}, "Schema is not configured for subscriptions"),
    ],
)  # fmt: skip
def test_validation_errors(query: str, variables: dict[str, object], expected: str) -> None:
    assert any(message.startswith(expected) for message in errors_of(query, variables)), errors_of(query, variables)


def test_undeclared_variable_is_reported() -> None:
    messages = errors_of("mutation { create_update(item_id: 1, body: $b) { id } }")
    assert "Variable $b is used by anonymous mutation but not declared" in messages


def test_operation_name_selects_among_several() -> None:
    query = "query A { me { id } } query B { me { name } }"
    assert errors_of(query) == ["An operation name is required"]
    assert errors_of(query, name="C") == ['No operation named "C"']
    prepared = prepare(query, {}, "B")
    assert prepared.name == "B" and prepared.fields[0].node.selections is not None


def test_ids_accept_ints_and_strings() -> None:
    prepared = prepare(f"mutation {{ {COLUMN} }}", {}, None)
    assert prepared.fields[0].args["board_id"] == "1" and prepared.fields[0].args["item_id"] == "2"
