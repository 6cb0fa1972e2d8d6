"""The two dialects a webhook body can be written in, and a maker of either.

* ``monday``: what Monday sends, ``{"event": {"type": ..., "triggerUuid": ..., "isRetry": ..., ...}}``;
* ``document``: the migration document's flavour, with ``type``, ``triggerUuid`` and ``timestamp``
  beside ``event`` (:mod:`payloads.models.document`).

A target reads one of them; a body in the other may be answered 2xx and ignored. Whatever the
dialect, :func:`payloads.factory.trigger_uuid_of` finds the delivery id (top level, then ``event``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from .factory import make_document_event
from .native import make_monday_event

__all__ = ["DIALECTS", "DOCUMENT", "MONDAY", "dialect_of", "make_event", "mark_retry"]

MONDAY, DOCUMENT = "monday", "document"
DIALECTS = (MONDAY, DOCUMENT)
_MAKERS: dict[str, Callable[..., dict[str, Any]]] = {MONDAY: make_monday_event, DOCUMENT: make_document_event}


def make_event(dialect: str, *, status_change: bool, trigger_uuid: str | None = None,
               marker: dict[str, Any] | None = None, seed: int | None = None,
               board_id: str | int | None = None) -> dict[str, Any]:
    """A realistic delivery in ``dialect``: a creation, or (``status_change``) a move to "À faire"."""
    maker = _MAKERS.get(dialect)
    if maker is None:
        raise ValueError(f"unknown webhook dialect {dialect!r}: expected one of {', '.join(DIALECTS)}")
    return maker(status_change=status_change, trigger_uuid=trigger_uuid, marker=marker, seed=seed,
                 board_id=board_id)


def dialect_of(body: Mapping[str, Any]) -> str | None:
    """``monday`` when ``event`` names its ``type``, ``document`` when it does not, else None (a challenge)."""
    event = body.get("event")
    if not isinstance(event, Mapping):
        return None
    return MONDAY if "type" in event else DOCUMENT


def mark_retry(payload: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the delivery as Monday sends it again: ``isRetry: true`` beside its ``triggerUuid``
    (inside ``event`` for a native body, at the top for the document's flavour)."""
    again = copy.deepcopy(dict(payload))
    event = again.get("event")
    if "triggerUuid" not in again and isinstance(event, dict):
        event["isRetry"] = True
    else:
        again["isRetry"] = True
    return again
