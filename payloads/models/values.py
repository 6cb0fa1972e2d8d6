"""Column and item values nested inside Monday events (``value`` / ``previousValue``)."""

from __future__ import annotations

from pydantic import Field

from .base import DateString, HexColour, MondayId, SnakeModel, StrictFlag

__all__ = [
    "DateValue",
    "GroupInfo",
    "NameValue",
    "RestoreState",
    "StatusLabel",
    "StatusStyle",
    "StatusValue",
    "TextValue",
]


class StatusStyle(SnakeModel):
    """Colours of a status label: ``{"color", "border", "var_name"}``."""

    color: HexColour
    border: HexColour
    var_name: str


class StatusLabel(SnakeModel):
    """The chosen label of a status (``color``) column."""

    index: int = Field(ge=0)
    text: str
    style: StatusStyle
    is_done: StrictFlag | None = None


class StatusValue(SnakeModel):
    """``value`` of a status column change: ``{"label": {...}, "post_id": null}``."""

    label: StatusLabel
    post_id: MondayId | None = None


class DateValue(SnakeModel):
    """``value`` of a date column change: ``{"date": "2021-10-11", "icon": null, "time": null}``."""

    date: DateString
    icon: str | None = None
    time: str | None = None


class TextValue(SnakeModel):
    """``value`` of a text column change: ``{"value": "..."}``."""

    value: str


class NameValue(SnakeModel):
    """``value`` / ``previousValue`` of an ``update_name`` event: ``{"name": "..."}``."""

    name: str


class GroupInfo(SnakeModel):
    """``destGroup`` of a ``move_pulse_into_group`` event."""

    id: str
    title: str
    color: HexColour
    is_top_group: StrictFlag


class RestoreState(SnakeModel):
    """``value`` / ``previousValue`` of a ``restore_pulse`` event: ``{"state": 1, "is_undo": true}``."""

    state: int
    is_undo: StrictFlag | None = None
