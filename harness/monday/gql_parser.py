"""A small recursive-descent GraphQL parser: operations, variables, arguments, nested selections.

Supported: ``query``/``mutation`` operations (named or anonymous, or the ``{ ... }`` shorthand),
variable definitions with defaults, aliases, every literal kind (int, float, string, block string,
boolean, null, enum, list, object) and ``$variables``. Not supported, and refused with a clear
error rather than misread: fragments, inline fragments and directives.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.monday.gql_lexer import GraphQLSyntaxError, Token, tokenize


@dataclass(frozen=True)
class Variable:
    name: str


@dataclass(frozen=True)
class Const:
    value: object


@dataclass(frozen=True)
class EnumValue:
    name: str


@dataclass(frozen=True)
class ListValue:
    items: tuple[ValueNode, ...]


@dataclass(frozen=True)
class ObjectValue:
    fields: tuple[tuple[str, ValueNode], ...]


ValueNode = Variable | Const | EnumValue | ListValue | ObjectValue


@dataclass(frozen=True)
class TypeRef:
    """A type reference: a named type, or a list of ``item``; either may be non-null."""

    name: str | None
    item: TypeRef | None = None
    non_null: bool = False

    def __str__(self) -> str:
        inner = self.name if self.item is None else f"[{self.item}]"
        return f"{inner}!" if self.non_null else str(inner)


@dataclass(frozen=True)
class VariableDef:
    name: str
    type: TypeRef
    default: ValueNode | None


@dataclass(frozen=True)
class Field:
    """A field selection; ``selections`` is ``None`` for a leaf."""

    name: str
    alias: str | None
    args: tuple[tuple[str, ValueNode], ...]
    selections: tuple[Field, ...] | None
    line: int
    column: int

    @property
    def key(self) -> str:
        """The key of this field in the response."""
        return self.alias or self.name


@dataclass(frozen=True)
class Operation:
    kind: str
    name: str | None
    variables: tuple[VariableDef, ...]
    selections: tuple[Field, ...]


def parse(source: str) -> list[Operation]:
    """Parse a document into its operations."""
    return _Parser(tokenize(source)).document()


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    @property
    def peek(self) -> Token:
        return self.tokens[self.pos]

    def advance(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def expect(self, kind: str, value: str | None = None) -> Token:
        token = self.peek
        if token.kind != kind or (value is not None and token.value != value):
            raise self.error(token)
        return self.advance()

    def accept(self, kind: str) -> bool:
        if self.peek.kind == kind:
            self.pos += 1
            return True
        return False

    def error(self, token: Token) -> GraphQLSyntaxError:
        if token.kind == "EOF":
            return GraphQLSyntaxError("Unexpected end of document", token.line, token.column)
        message = f"Parse error on {token.describe()} at [{token.line}, {token.column}]"
        return GraphQLSyntaxError(message, token.line, token.column)

    def unsupported(self, what: str) -> GraphQLSyntaxError:
        token = self.peek
        message = f"{what} are not supported by the Monday emulator"
        return GraphQLSyntaxError(message, token.line, token.column)

    def document(self) -> list[Operation]:
        operations = [self.operation()]
        while self.peek.kind != "EOF":
            operations.append(self.operation())
        return operations

    def operation(self) -> Operation:
        if self.peek.kind == "LCURLY":
            return Operation("query", None, (), self.selection_set())
        token = self.expect("NAME")
        if token.value == "fragment":
            raise self.unsupported("Fragments")
        if token.value not in ("query", "mutation", "subscription"):
            raise self.error(token)
        name = self.advance().value if self.peek.kind == "NAME" else None
        variables = self.variable_defs() if self.peek.kind == "LPAREN" else ()
        self.no_directives()
        return Operation(token.value, name, variables, self.selection_set())

    def variable_defs(self) -> tuple[VariableDef, ...]:
        self.expect("LPAREN")
        defs = [self.variable_def()]
        while not self.accept("RPAREN"):
            defs.append(self.variable_def())
        return tuple(defs)

    def variable_def(self) -> VariableDef:
        self.expect("VAR_SIGN")
        name = self.expect("NAME").value
        self.expect("COLON")
        type_ref = self.type_ref()
        default = self.value(const=True) if self.accept("EQUALS") else None
        self.no_directives()
        return VariableDef(name, type_ref, default)

    def type_ref(self) -> TypeRef:
        if self.accept("LBRACKET"):
            item = self.type_ref()
            self.expect("RBRACKET")
            return TypeRef(None, item, self.accept("BANG"))
        return TypeRef(self.expect("NAME").value, None, self.accept("BANG"))

    def selection_set(self) -> tuple[Field, ...]:
        self.expect("LCURLY")
        fields = [self.field()]
        while not self.accept("RCURLY"):
            fields.append(self.field())
        return tuple(fields)

    def field(self) -> Field:
        if self.peek.kind == "ELLIPSIS":
            raise self.unsupported("Fragments")
        first = self.expect("NAME")
        alias, name = (None, first.value)
        if self.accept("COLON"):
            alias, name = first.value, self.expect("NAME").value
        args = self.arguments() if self.peek.kind == "LPAREN" else ()
        self.no_directives()
        selections = self.selection_set() if self.peek.kind == "LCURLY" else None
        return Field(name, alias, args, selections, first.line, first.column)

    def arguments(self) -> tuple[tuple[str, ValueNode], ...]:
        self.expect("LPAREN")
        args = [self.argument()]
        while not self.accept("RPAREN"):
            args.append(self.argument())
        return tuple(args)

    def argument(self) -> tuple[str, ValueNode]:
        name = self.expect("NAME").value
        self.expect("COLON")
        return name, self.value(const=False)

    def no_directives(self) -> None:
        if self.peek.kind == "DIR_SIGN":
            raise self.unsupported("Directives")

    def value(self, *, const: bool) -> ValueNode:
        token = self.peek
        if token.kind == "VAR_SIGN" and not const:
            self.advance()
            return Variable(self.expect("NAME").value)
        if token.kind == "LBRACKET":
            return self.list_value(const)
        if token.kind == "LCURLY":
            return self.object_value(const)
        return self.scalar_value(self.advance())

    def scalar_value(self, token: Token) -> ValueNode:
        if token.kind == "INT":
            return Const(int(token.value))
        if token.kind == "FLOAT":
            return Const(float(token.value))
        if token.kind == "STRING":
            return Const(token.value)
        if token.kind == "NAME":
            keywords: dict[str, ValueNode] = {"true": Const(True), "false": Const(False), "null": Const(None)}
            return keywords.get(token.value, EnumValue(token.value))
        raise self.error(token)

    def list_value(self, const: bool) -> ListValue:
        self.expect("LBRACKET")
        items: list[ValueNode] = []
        while not self.accept("RBRACKET"):
            items.append(self.value(const=const))
        return ListValue(tuple(items))

    def object_value(self, const: bool) -> ObjectValue:
        self.expect("LCURLY")
        fields: list[tuple[str, ValueNode]] = []
        while not self.accept("RCURLY"):
            name = self.expect("NAME").value
            self.expect("COLON")
            fields.append((name, self.value(const=const)))
        return ObjectValue(tuple(fields))
