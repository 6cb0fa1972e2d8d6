"""Resolvers of the root fields: they read and change the emulated boards.

Each returns a plain object tree (dicts and lists) that graphql-core projects onto the selection
(its default resolver reads dict keys), or raises :class:`ResolverError`, which becomes an HTTP 200
``errors[]`` entry.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from harness.monday.board import ColumnValue, Item, Update, find_item, iso_time, text_of
from harness.monday.state import EmulatorState, TokenRecord

ObjectTree = dict[str, Any]
Resolver = Callable[[EmulatorState, Mapping[str, object], TokenRecord], ObjectTree]


class ResolverError(Exception):
    """An application-level error: HTTP 200 with ``errors[]`` and ``extensions.code``.

    graphql-core copies :attr:`extensions` into the error entry it reports for the field.
    """

    def __init__(self, code: str, message: str, status_code: int = 200, **error_data: object) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status_code = status_code
        self.error_data = error_data

    @property
    def extensions(self) -> dict[str, object]:
        return {"code": self.code, "status_code": self.status_code, "error_data": dict(self.error_data)}


def resolve_me(state: EmulatorState, args: Mapping[str, object], token: TokenRecord) -> ObjectTree:
    user = state.config.user
    return {
        "id": user.user_id,
        "name": user.name,
        "email": user.email,
        "is_guest": False,
        "account": {"id": user.account_id, "name": user.account_name},
    }


def resolve_change_column_value(
    state: EmulatorState, args: Mapping[str, object], token: TokenRecord
) -> ObjectTree:
    item = _target_item(state, args)
    value = _json_value(args.get("value"), str(args["column_id"]))
    _write(state, item, str(args["column_id"]), value, text_of(value), token)
    return item_tree(state, item)


def resolve_change_simple_column_value(
    state: EmulatorState, args: Mapping[str, object], token: TokenRecord
) -> ObjectTree:
    item = _target_item(state, args)
    value = args.get("value")
    text = value if isinstance(value, str) else None
    _write(state, item, str(args["column_id"]), value, text, token)
    return item_tree(state, item)


def resolve_create_update(state: EmulatorState, args: Mapping[str, object], token: TokenRecord) -> ObjectTree:
    item = _item_anywhere(state, args.get("item_id"))
    creator = state.config.user.user_id
    update = Update(state.next_id(), item.item_id, str(args["body"]), creator, state.now())
    item.updates.append(update)
    return update_tree(update)


RESOLVERS: Mapping[str, Resolver] = MappingProxyType(
    {
        "me": resolve_me,
        "change_column_value": resolve_change_column_value,
        "change_simple_column_value": resolve_change_simple_column_value,
        "create_update": resolve_create_update,
    }
)


def _target_item(state: EmulatorState, args: Mapping[str, object]) -> Item:
    board_id = str(args["board_id"])
    board = state.boards.get(board_id)
    if board is None:
        raise ResolverError("InvalidBoardIdException", "Board not found", board_id=board_id)
    item_id = _item_id(args.get("item_id"))
    item = board.items.get(item_id)
    if item is None and find_item(state.boards, item_id) is not None:
        raise ResolverError("InvalidItemIdException", "Item not found in board", item_id=item_id)
    if item is None:
        item = _create_or_refuse(state, board_id, item_id)
    return item


def _item_anywhere(state: EmulatorState, raw_item_id: object) -> Item:
    item_id = _item_id(raw_item_id)
    item = find_item(state.boards, item_id)
    return item if item is not None else _create_or_refuse(state, state.config.board_id, item_id)


def _item_id(raw: object) -> str:
    if raw is None or raw == "":
        raise ResolverError("InvalidItemIdException", "Item not found", item_id=None)
    return str(raw)


def _create_or_refuse(state: EmulatorState, board_id: str, item_id: str) -> Item:
    if not state.config.auto_create_items:
        raise ResolverError("InvalidItemIdException", "Item not found", item_id=item_id)
    item = Item(item_id=item_id, board_id=board_id, name=f"Item {item_id}")
    state.boards[board_id].items[item_id] = item
    return item


def _json_value(raw: object, column_id: str) -> object:
    if not isinstance(raw, str):
        return raw
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise ResolverError(
            "ColumnValueException",
            "invalid value, please check our API documentation "
            "for the correct data structure for this column",
            column_id=column_id,
        ) from exc


def _write(
    state: EmulatorState, item: Item, column_id: str, value: object, text: str | None, token: TokenRecord
) -> None:
    writer = token.client_id or "personal-token"
    item.column_values[column_id] = ColumnValue(column_id, value, text, state.now(), writer)


def item_tree(state: EmulatorState, item: Item) -> ObjectTree:
    """The object tree of an item, for projection onto a selection."""
    board = state.boards[item.board_id]
    columns = [
        {"id": cv.column_id, "text": cv.text, "value": None if cv.value is None else json.dumps(cv.value)}
        for cv in item.column_values.values()
    ]
    return {
        "id": item.item_id,
        "name": item.name,
        "board": {"id": board.board_id, "name": board.name},
        "column_values": columns,
        "updates": [update_tree(u) for u in item.updates],
    }


def update_tree(update: Update) -> ObjectTree:
    """The object tree of an update."""
    return {
        "id": update.update_id,
        "body": update.body,
        "text_body": update.body,
        "item_id": update.item_id,
        "creator_id": update.creator_id,
        "created_at": iso_time(update.created_at),
    }
