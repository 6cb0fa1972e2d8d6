"""Tokenizer for the subset of GraphQL the emulator parses (GraphQL spec, October 2021, §2.1).

Ignored tokens (whitespace, commas, comments, BOM) are dropped. Strings are decoded, including
block strings. Errors carry a line and column, as Monday's parse errors do.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

_PUNCTUATORS = {
    "!": "BANG", "$": "VAR_SIGN", "(": "LPAREN", ")": "RPAREN", ":": "COLON", "=": "EQUALS",
    "@": "DIR_SIGN", "[": "LBRACKET", "]": "RBRACKET", "{": "LCURLY", "}": "RCURLY",
    "|": "PIPE", "&": "AMP", "...": "ELLIPSIS",
}  # fmt: skip

_TOKEN = re.compile(
    r"""
    (?P<ignored>[\s,\ufeff]+|\#[^\n\r]*)
  | (?P<block>\"\"\"(?:\\\"\"\"|[^"]|"(?!""))*\"\"\")
  | (?P<string>"(?:\\["\\/bfnrt]|\\u[0-9A-Fa-f]{4}|[^"\\\n\r])*")
  | (?P<float>-?(?:0|[1-9]\d*)(?:\.\d+(?:[eE][+-]?\d+)?|[eE][+-]?\d+))
  | (?P<int>-?(?:0|[1-9]\d*))
  | (?P<name>[_A-Za-z][_0-9A-Za-z]*)
  | (?P<punct>\.\.\.|[!$():=@\[\]{}|&])
    """,
    re.VERBOSE,
)


class GraphQLSyntaxError(Exception):
    """A query that does not parse. ``str()`` mimics Monday's (graphql-ruby's) message."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass(frozen=True)
class Token:
    """One lexical token with its position (1-based line and column)."""

    kind: str
    value: str
    line: int
    column: int

    def describe(self) -> str:
        """How a parse error names this token, e.g. ``"}" (RCURLY)``."""
        return f'"{self.value}" ({self.kind})' if self.kind != "EOF" else "end of file"


def tokenize(source: str) -> list[Token]:
    """Split ``source`` into tokens, ending with an ``EOF`` token."""
    tokens: list[Token] = []
    pos, line, line_start = 0, 1, 0
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        column = pos - line_start + 1
        if match is None:
            raise GraphQLSyntaxError(
                f'Parse error on "{source[pos]}" (error) at [{line}, {column}]', line, column
            )
        token = _token(match, line, column)
        if token is not None:
            tokens.append(token)
        text = match.group()
        newlines = text.count("\n")
        if newlines:
            line += newlines
            line_start = pos + text.rfind("\n") + 1
        pos = match.end()
    tokens.append(Token("EOF", "", line, pos - line_start + 1))
    return tokens


def _token(match: re.Match[str], line: int, column: int) -> Token | None:
    group = match.lastgroup or ""
    text = match.group()
    if group == "ignored":
        return None
    if group == "punct":
        return Token(_PUNCTUATORS[text], text, line, column)
    if group == "string":
        return Token("STRING", json.loads(text, strict=False), line, column)
    if group == "block":
        return Token("STRING", _block_string(text[3:-3]), line, column)
    return Token(group.upper(), text, line, column)


def _block_string(raw: str) -> str:
    """Dedent a block string as the spec's BlockStringValue() does."""
    lines = raw.replace('\\"""', '"""').replace("\r\n", "\n").split("\n")
    indents = [len(ln) - len(ln.lstrip(" \t")) for ln in lines[1:] if ln.strip()]
    common = min(indents, default=0)
    lines = lines[:1] + [ln[common:] for ln in lines[1:]]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)
