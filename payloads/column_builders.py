"""Builders of ``update_column_value`` events (status, date, text and person columns)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import readers as r
from .blocks import Unpacker
from .models import (
    ColumnChangeEvent,
    DateChangeEvent,
    DateValue,
    GenericColumnChangeEvent,
    StatusChangeEvent,
    StatusLabel,
    StatusStyle,
    StatusValue,
    TextChangeEvent,
    TextValue,
)
from .pools import content_pools

__all__ = ["COLUMN_BUILDERS", "date_change", "person_change", "status_change", "text_change"]

Fields = dict[str, Any]


def status_value(u: Unpacker) -> StatusValue:
    """A status column value with Monday's label styling."""
    spec = r.status_label(u)
    style = StatusStyle(color=spec.color, border=spec.border, var_name=spec.var_name)
    label = StatusLabel(index=spec.label_index, text=spec.text, style=style, is_done=spec.is_done)
    return StatusValue(label=label, post_id=None)


def date_value(u: Unpacker) -> DateValue:
    """A date column value, with a time one time in three."""
    time = u.choice(["09:00:00", "14:30:00", "18:45:00"]) if u.chance(3) else None
    return DateValue(date=r.day(u), icon=None, time=time)


def text_value(u: Unpacker) -> TextValue:
    """A text column value: a repository URL, a branch, a title or edge-case text."""
    pools = content_pools()
    return TextValue(value=r.text(u, u.choice([pools.repo_urls, pools.branches, pools.titles])))


def person_value(u: Unpacker) -> dict[str, Any]:
    """A people column value, kept as raw JSON."""
    return {"personsAndTeams": [{"id": r.user_id(u), "kind": "person"}]}


def _column(u: Unpacker, ids: list[str], titles: list[str]) -> Fields:
    return {
        "group_id": r.group_id(u),
        "pulse_name": r.title(u),
        "changed_at": r.changed_at(u),
        "is_top_group": u.chance(2),
        "column_id": u.choice(ids),
        "column_title": u.choice(titles),
    }


def status_change(u: Unpacker, common: Fields) -> StatusChangeEvent:
    """A status (``color``) column change; the previous value may be null."""
    column = _column(u, ["status", "status_mkmwnxnk"], ["Status", "Statut"])
    return StatusChangeEvent(
        **common, **column, column_type="color", value=status_value(u), previous_value=u.maybe(status_value)
    )


def date_change(u: Unpacker, common: Fields) -> DateChangeEvent:
    """A date column change."""
    column = _column(u, ["date4", "date0"], ["Date", "Échéance"])
    return DateChangeEvent(
        **common, **column, column_type="date", value=date_value(u), previous_value=u.maybe(date_value)
    )


def text_change(u: Unpacker, common: Fields) -> TextChangeEvent:
    """A text column change."""
    column = _column(u, ["text", "text_mkmw91z2"], ["Repository", "Branch", "Description"])
    return TextChangeEvent(
        **common, **column, column_type="text", value=text_value(u), previous_value=u.maybe(text_value)
    )


def person_change(u: Unpacker, common: Fields) -> GenericColumnChangeEvent:
    """A people column change: a column type without a dedicated model."""
    column = _column(u, ["person"], ["Person"])
    return GenericColumnChangeEvent(
        **common,
        **column,
        column_type="multiple-person",
        value=person_value(u),
        previous_value={} if u.chance(2) else None,
    )


COLUMN_BUILDERS: tuple[Callable[[Unpacker, Fields], ColumnChangeEvent], ...] = (
    status_change,
    date_change,
    text_change,
    person_change,
)
