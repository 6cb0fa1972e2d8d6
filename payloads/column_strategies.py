"""Field strategies for ``update_column_value`` events: status, date, text and person columns."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from payloads import primitives as p
from payloads.models import (
    DateChangeEvent,
    DateValue,
    GenericColumnChangeEvent,
    MondayEventBase,
    StatusChangeEvent,
    StatusLabel,
    StatusStyle,
    StatusValue,
    TextChangeEvent,
    TextValue,
)
from payloads.pools import content_pools
from payloads.vocabulary import StatusLabelSpec

__all__ = ["column_change_fields", "column_change_variants", "status_values"]

Fields = dict[str, st.SearchStrategy[Any]]


def column_change_fields() -> Fields:
    """Fields every column change carries besides the column itself."""
    return {
        "group_id": p.group_ids(),
        "pulse_name": p.task_titles(),
        "changed_at": p.changed_at(),
        "is_top_group": st.booleans(),
    }


def _status_value(spec: StatusLabelSpec) -> StatusValue:
    style = StatusStyle(color=spec.color, border=spec.border, var_name=spec.var_name)
    label = StatusLabel(index=spec.label_index, text=spec.text, style=style, is_done=spec.is_done)
    return StatusValue(label=label, post_id=None)


def status_values() -> st.SearchStrategy[StatusValue]:
    """Status column values with Monday's label styling."""
    return p.status_labels().map(_status_value)


def _date_values() -> st.SearchStrategy[DateValue]:
    times = st.one_of(st.none(), st.sampled_from(["09:00:00", "14:30:00", "18:45:00"]))
    return st.tuples(p.dates(), times).map(lambda dt: DateValue(date=dt[0], icon=None, time=dt[1]))


def _text_values() -> st.SearchStrategy[TextValue]:
    pools = content_pools()
    realistic = st.sampled_from(pools.repo_urls + pools.branches + pools.titles)
    return st.one_of(realistic, p.wild_text()).map(lambda text: TextValue(value=text))


def _person_values() -> st.SearchStrategy[dict[str, Any]]:
    return p.user_ids().map(lambda uid: {"personsAndTeams": [{"id": uid, "kind": "person"}]})


def _variant(kind: str, ids: list[str], titles: list[str], values: st.SearchStrategy[Any],
             previous: st.SearchStrategy[Any] | None = None) -> Fields:
    return {
        "column_type": st.just(kind),
        "column_id": st.sampled_from(ids),
        "column_title": st.sampled_from(titles),
        "value": values,
        "previous_value": st.one_of(st.none(), previous if previous is not None else values),
    }


def column_change_variants() -> list[tuple[type[MondayEventBase], Fields]]:
    """(model, column fields) for each supported column type."""
    return [
        (StatusChangeEvent, _variant("color", ["status", "status_mkmwnxnk"],
                                     ["Status", "Statut"], status_values())),
        (DateChangeEvent, _variant("date", ["date4", "date0"], ["Date", "Échéance"], _date_values())),
        (TextChangeEvent, _variant("text", ["text", "text_mkmw91z2"],
                                   ["Repository", "Branch", "Description"], _text_values())),
        (GenericColumnChangeEvent, _variant("multiple-person", ["person"], ["Person"],
                                            _person_values(), st.just({}))),
    ]
