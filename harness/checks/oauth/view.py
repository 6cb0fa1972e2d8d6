"""What the OAuth checks can see of Monday: the emulator's call log and board, or real Monday's board.

:class:`EmulatorView` reads ``/_emulator/calls`` and ``/_emulator/board`` and drives the emulator's
fault endpoints (a forced 429, expired access tokens). :class:`LiveView` can only read an item back
through Monday's GraphQL API with the installed app's token: real Monday shows nobody its call log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from harness.findings import CheckSkipped
from harness.session import Session
from harness.session_monday import MondayLink

Call = dict[str, Any]


@dataclass(frozen=True)
class ItemState:
    """An item as the checks compare it: its status text and its updates' bodies."""

    found: bool
    status: str | None = None
    updates: tuple[str, ...] = ()

    def describe(self) -> str:
        if not self.found:
            return "the item does not exist on the board"
        return f"status {self.status!r}, {len(self.updates)} update(s)"


class EmulatorView:
    def __init__(self, base_url: str, status_column: str = "status") -> None:
        self.base_url = base_url.rstrip("/")
        self.status_column = status_column

    def calls(self, after: int = 0, kind: str | None = None) -> list[Call]:
        params = {"kind": kind} if kind else {}
        found: list[Call] = httpx.get(f"{self.base_url}/_emulator/calls", params=params, timeout=5).json()["calls"]
        return [c for c in found if int(c["seq"]) > after]

    def last_seq(self) -> int:
        return max((int(c["seq"]) for c in self.calls()), default=0)

    def item(self, board_id: str, item_id: str) -> ItemState:
        boards = httpx.get(f"{self.base_url}/_emulator/board", timeout=5).json()["boards"]
        item = (boards.get(board_id) or {}).get("items", {}).get(item_id)
        if item is None:
            return ItemState(False)
        status = (item["column_values"].get(self.status_column) or {}).get("text")
        return ItemState(True, status, tuple(u["body"] for u in item["updates"]))

    def throttle(self, requests: int, retry_after_s: int) -> None:
        httpx.post(f"{self.base_url}/_emulator/throttle", json={"requests": requests, "retry_after": retry_after_s},
                   timeout=5).raise_for_status()

    def expire_access_tokens(self) -> int:
        reply = httpx.post(f"{self.base_url}/_emulator/expire", timeout=5)
        reply.raise_for_status()
        return int(reply.json()["expired"])


ITEM_QUERY = ("query ($id: [ID!]) { items(ids: $id) { id column_values { id text } "
              "updates(limit: 10) { body } } }")


class LiveView:
    """Real Monday: read an item back with the installed app's token (no call log, no fault injection)."""

    def __init__(self, link: MondayLink, status_column: str = "status") -> None:
        self.link, self.status_column = link, status_column

    def item(self, board_id: str, item_id: str) -> ItemState:
        reply = httpx.post(self.link.api_url, json={"query": ITEM_QUERY, "variables": {"id": [item_id]}},
                           headers={"Authorization": self.link.access_token or "", "API-Version": "2025-04"},
                           timeout=15).json()
        items = (reply.get("data") or {}).get("items") or []
        if not items:
            return ItemState(False)
        columns = {c["id"]: c.get("text") for c in items[0].get("column_values") or []}
        return ItemState(True, columns.get(self.status_column), tuple(u["body"] for u in items[0]["updates"] or []))


def monday_of(session: Session) -> MondayLink:
    link = session.monday
    if link is None:
        raise CheckSkipped("the OAuth suite runs only with --oauth-test (the session serves no Monday emulator)")
    if link.skip_reason:
        raise CheckSkipped(link.skip_reason)
    return link


def emulator_of(session: Session, why: str) -> EmulatorView:
    """The emulator view, or a skip saying why real Monday cannot answer this check."""
    link = monday_of(session)
    if link.emulator_url is None:
        raise CheckSkipped(f"against real Monday the harness cannot {why}; this check runs against the emulator")
    return EmulatorView(link.emulator_url, session.target.env.get("MONDAY_STATUS_COLUMN_ID", "status"))
