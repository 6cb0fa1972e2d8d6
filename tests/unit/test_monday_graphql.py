"""The emulator's GraphQL request preparation on graphql-core (harness.monday.operation): literals,
variables, graphql-ruby's error messages, fragments and directives."""

from __future__ import annotations

import pytest

from harness.monday.operation import GraphQLErrors, prepare

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
    operation = prepare(query, {}, None)
    assert (operation.kind, operation.name) == ("mutation", "Named")
    a, b, c = operation.fields
    assert a.key == "a" and a.name == "create_update"
    assert a.args == {"item_id": "12", "body": "line\né"}
    assert b.args["value"] == {"x": [1, 2.5, True, None, "ENUM"]}
    assert c.args["body"] == "block\n  indented"


def test_variables_resolve_with_defaults() -> None:
    query = "mutation ($item: ID = 5, $body: String!) { create_update(item_id: $item, body: $body) { id } }"
    prepared = prepare(query, {"body": "hello"}, None)
    assert prepared.fields[0].args == {"item_id": "5", "body": "hello"}


def test_shorthand_query_and_positions() -> None:
    operation = prepare("{\n  me {\n    id\n  }\n}", {}, None)
    me = operation.fields[0]
    assert me.node.loc is not None
    start = me.node.loc.start_token
    assert (operation.kind, me.name, start.line, start.column) == ("query", "me", 2, 3)
    assert me.node.selection_set is not None and me.node.selection_set.selections[0].name.value == "id"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("{ me { id } ", "Unexpected end of document"),
        ("{ me { id } } }", 'Parse error on "}" (RCURLY) at [1, 15]'),
        ('{ me(x: "abc) { id } }', 'Parse error on """ (error) at [1, 9]'),
    ],
)
def test_syntax_errors(query: str, message: str) -> None:
    assert errors_of(query) == [message]


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
    assert prepared.name == "B" and prepared.fields[0].node.selection_set is not None


def test_ids_accept_ints_and_strings() -> None:
    prepared = prepare(f"mutation {{ {COLUMN} }}", {}, None)
    assert prepared.fields[0].args["board_id"] == "1" and prepared.fields[0].args["item_id"] == "2"


def test_fragments_and_directives_decide_the_root_fields() -> None:
    query = """
    query ($more: Boolean!) { ...Root  hidden: me @include(if: false) { id } }
    fragment Root on Query {
      me { ...Ids  name @include(if: $more) }
      ... on Query { again: me @skip(if: $more) { id } }
    }
    fragment Ids on User { id  account { id } }
    """
    assert [f.key for f in prepare(query, {"more": True}, None).fields] == ["me"]
    assert [f.key for f in prepare(query, {"more": False}, None).fields] == ["me", "again"]


def test_skipped_mutation_fields_are_not_prepared() -> None:
    query = """
    mutation ($twice: Boolean = false) {
      first: create_update(item_id: 1, body: "a") { id }
      second: create_update(item_id: 1, body: "b") @include(if: $twice) { id }
    }
    """
    assert [f.key for f in prepare(query, {}, None).fields] == ["first"]
    assert [f.key for f in prepare(query, {"twice": True}, None).fields] == ["first", "second"]


def test_fragment_mistakes_are_validation_errors() -> None:
    assert errors_of("{ ...Missing }") == ["Unknown fragment 'Missing'."]
    messages = errors_of("{ me { ...F } } fragment F on User { nickname }")
    assert messages == ["Field 'nickname' doesn't exist on type 'User'"]
    assert errors_of("{ me @include { id } }") == [
        "Argument '@include(if:)' of type 'Boolean!' is required, but it was not provided."
    ]
