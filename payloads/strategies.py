"""Hypothesis strategies producing webhook bodies as models, one per event type.

Each ``*_events()`` strategy yields a whole request body (:class:`MondayWebhook`,
:class:`DocumentWebhook` or :class:`Challenge`); turn it into wire bytes with
:func:`as_json_bytes`.  Every strategy costs a single Hypothesis choice (see
:mod:`payloads.blocks`): 10,000 examples take a few seconds.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from hypothesis import strategies as st

from . import builders as b
from .blocks import Unpacker, built_from_blocks
from .column_builders import date_change, status_change, text_change
from .models import (
    Challenge,
    DocumentWebhook,
    MondayEventBase,
    MondayWebhook,
    WebhookModel,
    as_json_bytes,
)

__all__ = [
    "any_event",
    "archive_pulse_events",
    "as_json_bytes",
    "challenges",
    "column_change_events",
    "create_pulse_events",
    "create_subitem_events",
    "create_update_events",
    "date_change_events",
    "delete_pulse_events",
    "document_events",
    "event_strategies",
    "events_in",
    "monday_events",
    "move_pulse_into_group_events",
    "restore_pulse_events",
    "status_change_events",
    "subitem_events",
    "text_change_events",
    "update_name_events",
]

EventBuilder = Callable[[Unpacker], MondayEventBase]


def _wrap(event: MondayEventBase) -> MondayWebhook:
    return MondayWebhook.model_validate({"event": event})


def _monday(build: EventBuilder) -> st.SearchStrategy[MondayWebhook]:
    return built_from_blocks(lambda u: _wrap(build(u)))


def _one_of(builders: tuple[EventBuilder, ...]) -> EventBuilder:
    return lambda u: u.choice(builders)(u)


@functools.cache
def challenges() -> st.SearchStrategy[Challenge]:
    """``{"challenge": "<token>"}`` bodies."""
    return built_from_blocks(b.challenge)


@functools.cache
def create_pulse_events() -> st.SearchStrategy[MondayWebhook]:
    """``create_pulse`` of top-level items."""
    return _monday(b.create_pulse)


@functools.cache
def create_subitem_events() -> st.SearchStrategy[MondayWebhook]:
    """``create_pulse`` of subitems (``parentItemId``/``parentItemBoardId`` strings)."""
    return _monday(b.create_subitem)


@functools.cache
def column_change_events(subitem: bool = False) -> st.SearchStrategy[MondayWebhook]:
    """``update_column_value`` with status, date, text or people values."""
    return _monday(lambda u: b.column_change(u, subitem))


@functools.cache
def status_change_events() -> st.SearchStrategy[MondayWebhook]:
    """Status (``color``) column changes only."""
    return _monday(lambda u: status_change(u, b.item_fields(u, False)))


@functools.cache
def date_change_events() -> st.SearchStrategy[MondayWebhook]:
    """Date column changes only."""
    return _monday(lambda u: date_change(u, b.item_fields(u, False)))


@functools.cache
def text_change_events() -> st.SearchStrategy[MondayWebhook]:
    """Text column changes only."""
    return _monday(lambda u: text_change(u, b.item_fields(u, False)))


@functools.cache
def update_name_events(subitem: bool = False) -> st.SearchStrategy[MondayWebhook]:
    """``update_name`` (renames)."""
    return _monday(lambda u: b.update_name(u, subitem))


@functools.cache
def create_update_events(subitem: bool = False) -> st.SearchStrategy[MondayWebhook]:
    """``create_update`` (comments)."""
    return _monday(lambda u: b.create_update(u, subitem))


@functools.cache
def archive_pulse_events(subitem: bool = False) -> st.SearchStrategy[MondayWebhook]:
    """``archive_pulse``."""
    return _monday(lambda u: b.archive_pulse(u, subitem))


@functools.cache
def delete_pulse_events(subitem: bool = False) -> st.SearchStrategy[MondayWebhook]:
    """``delete_pulse``."""
    return _monday(lambda u: b.delete_pulse(u, subitem))


@functools.cache
def restore_pulse_events() -> st.SearchStrategy[MondayWebhook]:
    """``restore_pulse``."""
    return _monday(b.restore_pulse)


@functools.cache
def move_pulse_into_group_events() -> st.SearchStrategy[MondayWebhook]:
    """``move_pulse_into_group``."""
    return _monday(b.move_pulse_into_group)


@functools.cache
def subitem_events() -> st.SearchStrategy[MondayWebhook]:
    """Subitem creations, column changes, renames, updates, archives and deletions."""
    return _monday(_one_of(b.SUBITEM_BUILDERS))


@functools.cache
def document_events() -> st.SearchStrategy[DocumentWebhook]:
    """The migration document's flavour: creations and ``Backlog`` -> ``À faire`` changes."""
    return built_from_blocks(b.document)


@functools.cache
def monday_events() -> st.SearchStrategy[MondayWebhook]:
    """Any native Monday event, top-level item or subitem."""
    return _monday(_one_of(b.MONDAY_BUILDERS))


@functools.cache
def any_event() -> st.SearchStrategy[WebhookModel]:
    """Any body the endpoint can receive: challenge, native event or document flavour."""
    return built_from_blocks(b.any_body)


def events_in(dialect: str) -> st.SearchStrategy[MondayWebhook] | st.SearchStrategy[DocumentWebhook]:
    """Deliveries in one dialect (:mod:`payloads.dialects`): native Monday events, or the document's flavour."""
    if dialect == "monday":
        return monday_events()
    if dialect == "document":
        return document_events()
    raise ValueError(f"unknown webhook dialect {dialect!r}: expected monday or document")


def event_strategies() -> Mapping[str, st.SearchStrategy[Any]]:
    """Every per-type strategy by name."""
    return {
        "challenge": challenges(),
        "create_pulse": create_pulse_events(),
        "column_change": column_change_events(),
        "update_name": update_name_events(),
        "create_update": create_update_events(),
        "archive_pulse": archive_pulse_events(),
        "delete_pulse": delete_pulse_events(),
        "restore_pulse": restore_pulse_events(),
        "move_pulse_into_group": move_pulse_into_group_events(),
        "subitem": subitem_events(),
        "document": document_events(),
    }
