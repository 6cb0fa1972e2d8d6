"""Builders of native Monday events and document-flavour bodies from one byte block.

Every builder takes an :class:`~payloads.blocks.Unpacker` and returns a validated
model; :mod:`payloads.strategies` wraps them into Hypothesis strategies.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from . import readers as r
from .blocks import Unpacker
from .column_builders import COLUMN_BUILDERS
from .factory import document_payload
from .models import (
    ArchivePulseEvent,
    Challenge,
    CreatePulseEvent,
    CreateSubitemEvent,
    CreateUpdateEvent,
    DeletePulseEvent,
    DocumentWebhook,
    GroupInfo,
    ItemRemovalEvent,
    MondayEventBase,
    MondayWebhook,
    MovePulseIntoGroupEvent,
    NameValue,
    RestorePulseEvent,
    RestoreState,
    UpdateNameEvent,
    WebhookModel,
)
from .pools import content_pools

__all__ = [
    "MONDAY_BUILDERS",
    "SUBITEM_BUILDERS",
    "any_body",
    "archive_pulse",
    "challenge",
    "column_change",
    "common_fields",
    "create_pulse",
    "create_subitem",
    "create_update",
    "delete_pulse",
    "document",
    "item_fields",
    "move_pulse_into_group",
    "restore_pulse",
    "update_name",
]

Fields = dict[str, Any]
_RETRY_STATES: tuple[bool | None, ...] = (None, False, False, True)


def common_fields(u: Unpacker) -> Fields:
    """Fields every native event carries; ``isRetry`` is sometimes absent, as in older payloads."""
    fields: Fields = {
        "app": "monday",
        "user_id": r.user_id(u),
        "original_trigger_uuid": u.maybe(r.trigger_uuid, one_in=4),
        "board_id": r.board_id(u),
        "trigger_time": r.trigger_time(u),
        "subscription_id": r.subscription_id(u),
        "trigger_uuid": r.trigger_uuid(u),
    }
    retry = u.choice(_RETRY_STATES)
    return fields if retry is None else {**fields, "is_retry": retry}


def item_fields(u: Unpacker, subitem: bool) -> Fields:
    """Common fields plus ``pulseId`` (and, for a subitem, its parent ids as strings)."""
    fields = {**common_fields(u), "pulse_id": r.item_id(u)}
    if subitem:
        fields |= {"parent_item_id": str(r.item_id(u)), "parent_item_board_id": str(r.board_id(u))}
    return fields


def challenge(u: Unpacker) -> Challenge:
    """``{"challenge": "<token>"}``."""
    return Challenge(challenge=r.challenge_token(u))


def _column_values(u: Unpacker) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if u.chance(3):
        values["text0"] = {"value": r.title(u)}
    if u.chance(3):
        values["date4"] = {"date": r.day(u), "icon": None, "time": None}
    return values


def _creation(u: Unpacker, subitem: bool) -> Fields:
    return {
        **item_fields(u, subitem),
        "pulse_name": r.title(u),
        "group_id": r.group_id(u),
        "group_name": r.group_title(u),
        "group_color": r.colour(u),
        "is_top_group": u.chance(2),
        "column_values": _column_values(u),
    }


def create_pulse(u: Unpacker) -> CreatePulseEvent:
    """``create_pulse`` of a top-level item."""
    return CreatePulseEvent(**_creation(u, subitem=False))


def create_subitem(u: Unpacker) -> CreateSubitemEvent:
    """``create_pulse`` of a subitem: ``itemId`` equals ``pulseId``, parents are strings."""
    fields = _creation(u, subitem=True)
    return CreateSubitemEvent(**fields, item_id=fields["pulse_id"])


def column_change(u: Unpacker, subitem: bool = False) -> MondayEventBase:
    """``update_column_value`` of a status, date, text or people column."""
    return u.choice(COLUMN_BUILDERS)(u, item_fields(u, subitem))


def _name(u: Unpacker) -> NameValue:
    return NameValue(name=r.title(u))


def update_name(u: Unpacker, subitem: bool = False) -> UpdateNameEvent:
    """``update_name`` with the previous name (absent one time in four)."""
    previous = None if u.chance(4) else _name(u)
    return UpdateNameEvent(**item_fields(u, subitem), group_id=r.group_id(u), value=_name(u), previous_value=previous)


def create_update(u: Unpacker, subitem: bool = False) -> CreateUpdateEvent:
    """``create_update``: an HTML ``body`` and the matching ``textBody``."""
    text = r.comment(u)
    return CreateUpdateEvent(
        **item_fields(u, subitem),
        body=f"<p>{html.escape(text)}</p>",
        text_body=text,
        update_id=r.item_id(u),
        reply_id=u.maybe(r.item_id, one_in=3),
    )


def _removal(u: Unpacker, subitem: bool) -> Fields:
    fields = {**common_fields(u), "item_id": r.item_id(u), "item_name": r.title(u)}
    if subitem:
        fields |= {"pulse_id": fields["item_id"], "parent_item_id": r.item_id(u), "parent_board_id": r.board_id(u)}
    return fields


def archive_pulse(u: Unpacker, subitem: bool = False) -> ItemRemovalEvent:
    """``archive_pulse``."""
    return ArchivePulseEvent(**_removal(u, subitem))


def delete_pulse(u: Unpacker, subitem: bool = False) -> ItemRemovalEvent:
    """``delete_pulse``."""
    return DeletePulseEvent(**_removal(u, subitem))


def restore_pulse(u: Unpacker) -> ItemRemovalEvent:
    """``restore_pulse``: state 2 (archived) back to 1 (active)."""
    return RestorePulseEvent(
        **_removal(u, False), value=RestoreState(state=1, is_undo=u.chance(2)), previous_value=RestoreState(state=2)
    )


def move_pulse_into_group(u: Unpacker) -> MovePulseIntoGroupEvent:
    """``move_pulse_into_group`` with the destination group's description."""
    dest = r.group_id(u)
    group = GroupInfo(id=dest, title=r.group_title(u), color=r.colour(u), is_top_group=u.chance(2))
    return MovePulseIntoGroupEvent(
        **item_fields(u, False), source_group_id=r.group_id(u), dest_group_id=dest, dest_group=group
    )


def _marker(u: Unpacker) -> dict[str, Any]:
    """An inert ``__harness__`` marker: it round-trips but asks worker probes for nothing
    (the probes act only on ``fail``, ``hang`` and ``kill``)."""
    return {"seq": u.below(1_000_000), "note": u.choice(["generated", "généré", ""])}


def _document_trigger(u: Unpacker) -> str | None:
    kind = u.below(8)
    if kind == 0:
        return None
    return f"webhook-trigger-{u.below(1000)}" if kind == 1 else r.trigger_uuid(u)


def document(u: Unpacker) -> DocumentWebhook:
    """A document-flavour body: a creation, or a ``Backlog`` -> ``À faire`` status change."""
    body = document_payload(
        u.choice(content_pools().tasks),
        pulse_id=str(r.item_id(u)),
        board_id=str(r.board_id(u)),
        status_change=u.chance(2),
        trigger_uuid=_document_trigger(u),
        timestamp=None if u.chance(4) else r.timestamp(u),
        marker=u.maybe(_marker, one_in=4),
        title=r.title(u) if u.chance(4) else None,
        with_criteria=u.chance(2),
    )
    return DocumentWebhook.model_validate(body)


SUBITEM_BUILDERS: tuple[Callable[[Unpacker], MondayEventBase], ...] = (
    create_subitem,
    lambda u: column_change(u, subitem=True),
    lambda u: update_name(u, subitem=True),
    lambda u: create_update(u, subitem=True),
    lambda u: archive_pulse(u, subitem=True),
    lambda u: delete_pulse(u, subitem=True),
)
"""Every subitem variant."""

MONDAY_BUILDERS: tuple[Callable[[Unpacker], MondayEventBase], ...] = (
    create_pulse,
    column_change,
    update_name,
    create_update,
    archive_pulse,
    delete_pulse,
    restore_pulse,
    move_pulse_into_group,
    *SUBITEM_BUILDERS,
)
"""Every native event variant, top-level and subitem."""


def any_body(u: Unpacker) -> WebhookModel:
    """Any body: a challenge (1 in 8), a document-flavour body (1 in 8) or a native event."""
    kind = u.below(8)
    if kind == 0:
        return challenge(u)
    if kind == 1:
        return document(u)
    return MondayWebhook.model_validate({"event": u.choice(MONDAY_BUILDERS)(u)})
