"""Typed models of the ``event`` object of Monday's native webhook deliveries.

Field names are snake_case in Python and camelCase on the wire.  Each concrete class
carries a ``tag`` naming its variant; :mod:`payloads.models.envelope` dispatches on it.
Item-level events may describe a subitem, in which case Monday adds ``parentItemId``
and ``parentItemBoardId`` as *strings*; removal events (archive/delete) of subitems
instead add ``parentItemId`` and ``parentBoardId`` as integers.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import Strict

from .base import (
    CamelModel,
    HexColour,
    MondayId,
    NumericString,
    StrictFlag,
    TriggerTime,
    TriggerUuid,
)
from .values import (
    DateValue,
    GroupInfo,
    NameValue,
    RestoreState,
    StatusValue,
    TextValue,
)

__all__ = [
    "ArchivePulseEvent",
    "ColumnChangeEvent",
    "CreatePulseEvent",
    "CreateSubitemEvent",
    "CreateUpdateEvent",
    "DateChangeEvent",
    "DeletePulseEvent",
    "GenericColumnChangeEvent",
    "ItemEvent",
    "ItemRemovalEvent",
    "MondayEventBase",
    "MovePulseIntoGroupEvent",
    "OtherEvent",
    "RestorePulseEvent",
    "StatusChangeEvent",
    "TextChangeEvent",
    "UpdateNameEvent",
]


class MondayEventBase(CamelModel):
    """Fields common to every native Monday event.

    The discriminating fields (``type``, ``columnType``) have defaults in the concrete
    classes but always count as set, so :func:`~payloads.models.as_json_bytes` (which
    writes only set fields) never drops them.
    """

    tag: ClassVar[str] = "other"
    always_set: ClassVar[frozenset[str]] = frozenset({"type", "column_type"})

    app: str | None = None
    user_id: Annotated[int, Strict()]
    original_trigger_uuid: TriggerUuid | None = None
    board_id: MondayId
    trigger_time: TriggerTime | None = None
    subscription_id: MondayId | None = None
    trigger_uuid: TriggerUuid
    is_retry: StrictFlag | None = None

    def model_post_init(self, context: Any, /) -> None:
        """Mark the discriminating fields as set even when they took their default."""
        self.__pydantic_fields_set__.update(self.always_set & type(self).model_fields.keys())


class ItemEvent(MondayEventBase):
    """An event about one item (``pulseId``); subitems add their parent's ids as strings."""

    pulse_id: MondayId
    parent_item_id: NumericString | None = None
    parent_item_board_id: NumericString | None = None

    @property
    def is_subitem(self) -> bool:
        """True when the event concerns a subitem (it names a parent item)."""
        return self.parent_item_id is not None


class CreatePulseEvent(ItemEvent):
    """``create_pulse``: an item was created (subscription ``create_item``)."""

    tag: ClassVar[str] = "create_pulse"

    type: Literal["create_pulse"] = "create_pulse"
    pulse_name: str
    group_id: str
    group_name: str
    group_color: HexColour
    is_top_group: StrictFlag
    column_values: dict[str, Any]
    item_id: MondayId | None = None


class CreateSubitemEvent(CreatePulseEvent):
    """``create_pulse`` for a subitem (subscription ``create_subitem``)."""

    tag: ClassVar[str] = "create_subitem"

    item_id: MondayId
    parent_item_id: NumericString
    parent_item_board_id: NumericString


class ColumnChangeEvent(ItemEvent):
    """``update_column_value``: common part of every column change."""

    type: Literal["update_column_value"] = "update_column_value"
    group_id: str
    pulse_name: str
    column_id: str
    column_type: str
    column_title: str
    changed_at: float
    is_top_group: StrictFlag


class StatusChangeEvent(ColumnChangeEvent):
    """A status (``color``) column change."""

    tag: ClassVar[str] = "status_change"

    column_type: Literal["color"] = "color"
    value: StatusValue | None
    previous_value: StatusValue | None = None


class DateChangeEvent(ColumnChangeEvent):
    """A date column change."""

    tag: ClassVar[str] = "date_change"

    column_type: Literal["date"] = "date"
    value: DateValue | None
    previous_value: DateValue | None = None


class TextChangeEvent(ColumnChangeEvent):
    """A text column change."""

    tag: ClassVar[str] = "text_change"

    column_type: Literal["text"] = "text"
    value: TextValue | None
    previous_value: TextValue | None = None


class GenericColumnChangeEvent(ColumnChangeEvent):
    """Any other column type: ``value`` is kept as raw JSON."""

    tag: ClassVar[str] = "column_change"

    value: dict[str, Any] | None
    previous_value: dict[str, Any] | None = None


class UpdateNameEvent(ItemEvent):
    """``update_name``: an item (or subitem) was renamed."""

    tag: ClassVar[str] = "update_name"

    type: Literal["update_name"] = "update_name"
    group_id: str | None = None
    value: NameValue
    previous_value: NameValue | None = None


class CreateUpdateEvent(ItemEvent):
    """``create_update``: an update (comment) was posted on an item."""

    tag: ClassVar[str] = "create_update"

    type: Literal["create_update"] = "create_update"
    body: str
    text_body: str
    update_id: MondayId
    reply_id: MondayId | None = None


class MovePulseIntoGroupEvent(ItemEvent):
    """``move_pulse_into_group``: an item moved to another group of its board."""

    tag: ClassVar[str] = "move_pulse_into_group"

    type: Literal["move_pulse_into_group"] = "move_pulse_into_group"
    source_group_id: str
    dest_group_id: str
    dest_group: GroupInfo


class ItemRemovalEvent(MondayEventBase):
    """Archive, delete and restore events name the item by ``itemId`` / ``itemName``."""

    item_id: MondayId
    item_name: str
    pulse_id: MondayId | None = None
    parent_item_id: MondayId | None = None
    parent_board_id: MondayId | None = None


class ArchivePulseEvent(ItemRemovalEvent):
    """``archive_pulse`` (subscription ``item_archived``)."""

    tag: ClassVar[str] = "archive_pulse"

    type: Literal["archive_pulse"] = "archive_pulse"


class DeletePulseEvent(ItemRemovalEvent):
    """``delete_pulse`` (subscription ``item_deleted``)."""

    tag: ClassVar[str] = "delete_pulse"

    type: Literal["delete_pulse"] = "delete_pulse"


class RestorePulseEvent(ItemRemovalEvent):
    """``restore_pulse`` (subscription ``item_restored``)."""

    tag: ClassVar[str] = "restore_pulse"

    type: Literal["restore_pulse"] = "restore_pulse"
    value: RestoreState | None = None
    previous_value: RestoreState | None = None


class OtherEvent(MondayEventBase):
    """Any event type this package does not model; every extra key is kept."""

    tag: ClassVar[str] = "other"

    type: str
