"""GraphQL request errors in the words of graphql-ruby, the engine behind Monday's API.

graphql-core finds the errors; this module rewrites the ones a Monday client can meet (syntax,
operation choice, variable values) with graphql-ruby's messages, so that a client sees the wording
it would see from Monday. It also holds the helpers that place an error in the document (its
location and its ``path``), shared with :mod:`harness.monday.ruby_rules`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, TypeVar

from graphql import (
    BREAK,
    ArgumentNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSyntaxError,
    InlineFragmentNode,
    Lexer,
    ListTypeNode,
    NamedTypeNode,
    Node,
    NonNullTypeNode,
    OperationDefinitionNode,
    Source,
    Token,
    TokenKind,
    TypeNode,
    VariableDefinitionNode,
    Visitor,
    VisitorAction,
    get_location,
    print_ast,
    visit,
)

NodeT = TypeVar("NodeT", bound=Node)

# What the lexer skips between tokens: white space, line ends, commas, byte order marks, comments.
_IGNORED = re.compile(r"(?:[\s,\ufeff]|#[^\n\r]*)*")

# graphql-ruby's names of the tokens whose graphql-core name differs.
_TOKEN_NAMES = {
    TokenKind.DOLLAR: "VAR_SIGN",
    TokenKind.AT: "DIR_SIGN",
    TokenKind.PAREN_L: "LPAREN",
    TokenKind.PAREN_R: "RPAREN",
    TokenKind.BRACKET_L: "LBRACKET",
    TokenKind.BRACKET_R: "RBRACKET",
    TokenKind.BRACE_L: "LCURLY",
    TokenKind.BRACE_R: "RCURLY",
    TokenKind.SPREAD: "ELLIPSIS",
    TokenKind.BLOCK_STRING: "STRING",
}


def syntax_error(error: GraphQLSyntaxError) -> GraphQLError:
    """A parse error as graphql-ruby words it: the unexpected token, or the end of the document."""
    source, position = error.source, next(iter(error.positions or ()), 0)
    if source is None:
        return error
    token, start = _scan(source, position)
    if token is not None and token.kind == TokenKind.EOF:
        return GraphQLError("Unexpected end of document", source=source, positions=[position])
    if token is not None and start != position:
        return error
    shown = f'"{source.body[start]}" (error)' if token is None else _describe(token)
    line, column = get_location(source, start)
    return GraphQLError(f"Parse error on {shown} at [{line}, {column}]", source=source, positions=[start])


def _scan(source: Source, position: int) -> tuple[Token | None, int]:
    """The first token at or after ``position``; or ``None`` and where the text the lexer fails on starts."""
    lexer = Lexer(source)
    token = lexer.token
    try:
        while token.kind != TokenKind.EOF and token.start < position:
            token = lexer.advance()
    except GraphQLSyntaxError:
        skipped = _IGNORED.match(source.body, token.end)
        return None, skipped.end() if skipped else token.end
    return token, token.start


def _describe(token: Token) -> str:
    value = token.kind.value if token.value is None else token.value
    return f'"{value}" ({_TOKEN_NAMES.get(token.kind, token.kind.name)})'


def no_operation_named(name: str) -> GraphQLError:
    return GraphQLError(f'No operation named "{name}"')


def operation_name_required() -> GraphQLError:
    return GraphQLError("An operation name is required")


def invalid_variable(error: GraphQLError) -> GraphQLError:
    """A variable value that does not fit its declared type (or is missing though required)."""
    node = error.nodes[0] if error.nodes else None
    if not isinstance(node, VariableDefinitionNode):
        return error
    name, type_ = node.variable.name.value, print_ast(node.type)
    return GraphQLError(f"Variable ${name} of type {type_} was provided invalid value")


def lineage(document: DocumentNode, target: Node) -> list[Node]:
    """The nodes from the document's top definition down to ``target`` (included)."""
    finder = _Finder(target)
    visit(document, finder)
    return finder.chain


class _Finder(Visitor):
    def __init__(self, target: Node) -> None:
        super().__init__()
        self.target = target
        self.chain: list[Node] = []

    def enter(self, node: Node, _key: Any, parent: Any, _path: Any, ancestors: list[Any]) -> VisitorAction:
        if node is not self.target:
            return None
        above = [*ancestors, parent]  # graphql-core passes the parent apart from the other ancestors
        self.chain = [a for a in above if isinstance(a, Node) and not isinstance(a, DocumentNode)] + [node]
        return BREAK


def nearest(chain: Sequence[Node], kind: type[NodeT]) -> NodeT | None:
    """The innermost node of ``kind`` in ``chain``."""
    return next((node for node in reversed(chain) if isinstance(node, kind)), None)


def response_path(chain: Sequence[Node]) -> list[str | int]:
    """graphql-ruby's ``path`` of a static error: operation type, fragments, field keys, argument."""
    return [label for label in map(_path_label, chain) if label is not None]


def _path_label(node: Node) -> str | None:
    if isinstance(node, OperationDefinitionNode):
        return node.operation.value
    if isinstance(node, FragmentDefinitionNode):
        return f"fragment {node.name.value}"
    if isinstance(node, InlineFragmentNode):
        return f"... on {node.type_condition.name.value}" if node.type_condition else "..."
    if isinstance(node, FieldNode):
        return (node.alias or node.name).value
    if isinstance(node, ArgumentNode):
        return node.name.value
    return None


def located_error(chain: Sequence[Node], message: str, **extensions: Any) -> GraphQLError:
    """An error located at the innermost field (or directive) of ``chain``, with its path."""
    owners = [node for node in chain if isinstance(node, FieldNode | DirectiveNode)]
    return GraphQLError(message, owners[-1:], path=response_path(chain), extensions=extensions)


def operation_label(operation: OperationDefinitionNode) -> str:
    """How graphql-ruby names an operation in messages: ``mutation Named`` or ``anonymous mutation``."""
    kind = operation.operation.value
    return f"{kind} {operation.name.value}" if operation.name else f"anonymous {kind}"


def named_type(type_node: TypeNode) -> str:
    """The name inside list and non-null wrappers."""
    while isinstance(type_node, ListTypeNode | NonNullTypeNode):
        type_node = type_node.type
    return type_node.name.value if isinstance(type_node, NamedTypeNode) else str(type_node)
