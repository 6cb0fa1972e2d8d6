"""The emulated boards: items, their column values and their updates."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from harness.monday.config import EmulatorConfig, ItemSeed

JsonDict = dict[str, Any]


@dataclass
class ColumnValue:
    """The value of one column on one item, as last written."""

    column_id: str
    value: object
    text: str | None
    changed_at: float
    written_by: str

    def to_json(self) -> JsonDict:
        return {
            "id": self.column_id,
            "value": self.value,
            "text": self.text,
            "changed_at": self.changed_at,
            "written_by": self.written_by,
        }


@dataclass
class Update:
    """An update (a post in the item's conversation)."""

    update_id: str
    item_id: str
    body: str
    creator_id: str
    created_at: float

    def to_json(self) -> JsonDict:
        return {
            "id": self.update_id,
            "item_id": self.item_id,
            "body": self.body,
            "creator_id": self.creator_id,
            "created_at": iso_time(self.created_at),
        }


@dataclass
class Item:
    """An item (a "pulse") on a board."""

    item_id: str
    board_id: str
    name: str
    column_values: dict[str, ColumnValue] = field(default_factory=dict)
    updates: list[Update] = field(default_factory=list)

    def to_json(self) -> JsonDict:
        return {
            "id": self.item_id,
            "board_id": self.board_id,
            "name": self.name,
            "column_values": {cid: cv.to_json() for cid, cv in self.column_values.items()},
            "updates": [update.to_json() for update in self.updates],
        }


@dataclass
class Board:
    """A board and its items, keyed by item id."""

    board_id: str
    name: str
    items: dict[str, Item] = field(default_factory=dict)

    def to_json(self) -> JsonDict:
        items = {item_id: item.to_json() for item_id, item in self.items.items()}
        return {"id": self.board_id, "name": self.name, "items": items}


def iso_time(epoch_s: float) -> str:
    """ISO-8601 UTC time with a ``Z`` suffix, as Monday prints timestamps."""
    return datetime.fromtimestamp(epoch_s, tz=UTC).isoformat().replace("+00:00", "Z")


def text_of(value: object) -> str | None:
    """The human-readable text Monday derives from a JSON column value (best effort)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dict):
        label = value.get("label")
        if isinstance(label, str):
            return label
        if isinstance(label, dict) and isinstance(label.get("text"), str):
            return str(label["text"])
        for key in ("text", "date", "index"):
            if key in value:
                return str(value[key])
    return json.dumps(value, sort_keys=True)


def seed_boards(config: EmulatorConfig, now: float) -> dict[str, Board]:
    """The boards as the configuration describes them at start-up or after a reset."""
    boards = {config.board_id: Board(board_id=config.board_id, name=config.board_name)}
    for seed in config.items:
        board = boards.setdefault(seed.board_id, Board(board_id=seed.board_id, name=seed.board_id))
        board.items[seed.item_id] = seeded_item(seed, now)
    return boards


def seeded_item(seed: ItemSeed, now: float) -> Item:
    """An item built from its seed, its column values written by ``seed``."""
    item = Item(item_id=seed.item_id, board_id=seed.board_id, name=seed.name)
    for column_id, value in seed.column_values.items():
        item.column_values[column_id] = ColumnValue(column_id, value, text_of(value), now, "seed")
    return item


def find_item(boards: dict[str, Board], item_id: str) -> Item | None:
    """The item with this id on any board."""
    return next((b.items[item_id] for b in boards.values() if item_id in b.items), None)
