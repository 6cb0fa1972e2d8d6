"""Hypothesis strategies producing webhook models, one per event type.

Each ``*_events()`` strategy yields a whole request body (:class:`MondayWebhook` or
:class:`DocumentWebhook`); turn it into wire bytes with :func:`as_json_bytes`.
Strategies are cheap: scalars come from :mod:`payloads.primitives` (one draw each)
and text from pre-generated Faker pools.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable, Mapping
from typing import Any

from hypothesis import strategies as st

from payloads import primitives as p
from payloads.column_strategies import column_change_fields, column_change_variants
from payloads.document_strategies import document_events
from payloads.models import (
    ArchivePulseEvent,
    Challenge,
    CreatePulseEvent,
    CreateSubitemEvent,
    CreateUpdateEvent,
    DeletePulseEvent,
    GroupInfo,
    MondayEventBase,
    MondayWebhook,
    MovePulseIntoGroupEvent,
    NameValue,
    RestorePulseEvent,
    RestoreState,
    UpdateNameEvent,
    WebhookModel,
    as_json_bytes,
)
from payloads.vocabulary import GROUPS

__all__ = [
    "any_event",
    "archive_pulse_events",
    "as_json_bytes",
    "challenges",
    "column_change_events",
    "create_pulse_events",
    "create_subitem_events",
    "create_update_events",
    "delete_pulse_events",
    "document_events",
    "monday_events",
    "move_pulse_into_group_events",
    "restore_pulse_events",
    "subitem_events",
    "update_name_events",
]

Fields = dict[str, st.SearchStrategy[Any]]
Post = Callable[[dict[str, Any]], dict[str, Any]]


def _wrap(event: MondayEventBase) -> MondayWebhook:
    return MondayWebhook.model_validate({"event": event})


def _common() -> Fields:
    return {
        "app": st.just("monday"),
        "user_id": p.user_ids(),
        "original_trigger_uuid": st.one_of(st.none(), p.trigger_uuids()),
        "board_id": p.board_ids(),
        "trigger_time": p.trigger_times(),
        "subscription_id": p.subscription_ids(),
        "trigger_uuid": p.trigger_uuids(),
    }


def _item(subitem: bool) -> Fields:
    fields: Fields = {"pulse_id": p.item_ids()}
    if subitem:
        fields["parent_item_id"] = p.numeric_strings()
        fields["parent_item_board_id"] = p.numeric_strings()
    return fields


def _events(
    model: type[MondayEventBase], fields: Fields, post: Post | None = None
) -> st.SearchStrategy[MondayWebhook]:
    """Draw ``fields`` (plus the common ones and an optional ``isRetry``) into ``model``."""
    drawn = st.fixed_dictionaries({**_common(), **fields}, optional={"is_retry": st.booleans()})

    def build(kwargs: dict[str, Any]) -> MondayWebhook:
        return _wrap(model(**(post(kwargs) if post else kwargs)))

    return drawn.map(build)


@functools.cache
def challenges() -> st.SearchStrategy[Challenge]:
    """``{"challenge": "<token>"}`` bodies."""
    return p.challenge_tokens().map(lambda token: Challenge(challenge=token))


def _column_values() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {},
        optional={
            "text0": p.task_titles().map(lambda t: {"value": t}),
            "date4": p.dates().map(lambda d: {"date": d, "icon": None, "time": None}),
        },
    )


def _group_fields() -> Fields:
    return {
        "group_id": p.group_ids(),
        "group_name": st.sampled_from([title for _, title in GROUPS]),
        "group_color": p.colours(),
        "is_top_group": st.booleans(),
    }


def _same_item_id(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {**kwargs, "item_id": kwargs["pulse_id"]}


def _create_fields(subitem: bool) -> Fields:
    content = {"pulse_name": p.task_titles(), "column_values": _column_values()}
    return {**_item(subitem), **_group_fields(), **content}


@functools.cache
def create_pulse_events() -> st.SearchStrategy[MondayWebhook]:
    """``create_pulse`` for top-level items."""
    return _events(CreatePulseEvent, _create_fields(subitem=False))


@functools.cache
def create_subitem_events() -> st.SearchStrategy[MondayWebhook]:
    """``create_pulse`` for subitems (``parentItemId``/``parentItemBoardId`` strings)."""
    return _events(CreateSubitemEvent, _create_fields(subitem=True), _same_item_id)


@functools.cache
def column_change_events(subitem: bool = False) -> st.SearchStrategy[MondayWebhook]:
    """``update_column_value`` with status, date, text or person-column values."""
    return st.one_of(
        [_events(model, {**_item(subitem), **column_change_fields(), **fields})
         for model, fields in column_change_variants()]
    )


def _names() -> st.SearchStrategy[NameValue]:
    return p.task_titles().map(lambda name: NameValue(name=name))


@functools.cache
def update_name_events(subitem: bool = False) -> st.SearchStrategy[MondayWebhook]:
    """``update_name`` (renames), with the previous name when Monday sends it."""
    fields = {**_item(subitem), "group_id": p.group_ids(), "value": _names(),
              "previous_value": st.one_of(st.none(), _names())}
    return _events(UpdateNameEvent, fields)


def _split_body(kwargs: dict[str, Any]) -> dict[str, Any]:
    text = kwargs.pop("text_body")
    return {**kwargs, "body": f"<p>{html.escape(text)}</p>", "text_body": text}


@functools.cache
def create_update_events(subitem: bool = False) -> st.SearchStrategy[MondayWebhook]:
    """``create_update``: an HTML ``body`` and its ``textBody``."""
    fields = {**_item(subitem), "text_body": p.comments(), "update_id": p.update_ids(),
              "reply_id": st.one_of(st.none(), p.update_ids())}
    return _events(CreateUpdateEvent, fields, _split_body)


def _removal_fields(subitem: bool) -> Fields:
    fields: Fields = {"item_id": p.item_ids(), "item_name": p.task_titles()}
    if subitem:
        fields |= {"parent_item_id": p.item_ids(), "parent_board_id": p.board_ids()}
    return fields


def _pulse_is_item(kwargs: dict[str, Any]) -> dict[str, Any]:
    has_parent = "parent_item_id" in kwargs
    return {**kwargs, "pulse_id": kwargs["item_id"]} if has_parent else kwargs


@functools.cache
def archive_pulse_events(subitem: bool = False) -> st.SearchStrategy[MondayWebhook]:
    """``archive_pulse`` (``itemId``/``itemName``)."""
    return _events(ArchivePulseEvent, _removal_fields(subitem), _pulse_is_item)


@functools.cache
def delete_pulse_events(subitem: bool = False) -> st.SearchStrategy[MondayWebhook]:
    """``delete_pulse`` (``itemId``/``itemName``)."""
    return _events(DeletePulseEvent, _removal_fields(subitem), _pulse_is_item)


@functools.cache
def restore_pulse_events() -> st.SearchStrategy[MondayWebhook]:
    """``restore_pulse``: ``{"state": 1, "is_undo": ...}`` after ``{"state": 2}``."""
    fields = {**_removal_fields(False),
              "value": st.booleans().map(lambda undo: RestoreState(state=1, is_undo=undo)),
              "previous_value": st.just(RestoreState(state=2))}
    return _events(RestorePulseEvent, fields)


def _dest_group(kwargs: dict[str, Any]) -> dict[str, Any]:
    (title, color, top) = kwargs.pop("dest")
    group = GroupInfo(id=kwargs["dest_group_id"], title=title, color=color, is_top_group=top)
    return {**kwargs, "dest_group": group}


@functools.cache
def move_pulse_into_group_events() -> st.SearchStrategy[MondayWebhook]:
    """``move_pulse_into_group`` with the destination group's description."""
    dest = st.tuples(st.sampled_from([t for _, t in GROUPS]), p.colours(), st.booleans())
    fields = {**_item(False), "source_group_id": p.group_ids(), "dest_group_id": p.group_ids(),
              "dest": dest}
    return _events(MovePulseIntoGroupEvent, fields, _dest_group)


@functools.cache
def subitem_events() -> st.SearchStrategy[MondayWebhook]:
    """Every subitem variant: create, column change, rename, update, archive, delete."""
    return st.one_of(
        create_subitem_events(),
        column_change_events(subitem=True),
        update_name_events(subitem=True),
        create_update_events(subitem=True),
        archive_pulse_events(subitem=True),
        delete_pulse_events(subitem=True),
    )


@functools.cache
def monday_events() -> st.SearchStrategy[MondayWebhook]:
    """Any native Monday event, top-level item or subitem."""
    return st.one_of(
        create_pulse_events(), column_change_events(), update_name_events(),
        create_update_events(), archive_pulse_events(), delete_pulse_events(),
        restore_pulse_events(), move_pulse_into_group_events(), subitem_events(),
    )


@functools.cache
def any_event() -> st.SearchStrategy[WebhookModel]:
    """Any body the endpoint can receive: challenge, native event or document flavour."""
    return st.one_of(challenges(), monday_events(), document_events())


def event_strategies() -> Mapping[str, st.SearchStrategy[Any]]:
    """Every per-type strategy by name (what the property tests iterate over)."""
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
