"""Hypothesis strategy for the migration document's payload flavour."""

from __future__ import annotations

import functools
from typing import Any

from hypothesis import strategies as st

from payloads import primitives as p
from payloads.factory import document_payload
from payloads.models import DocumentWebhook
from payloads.pools import content_pools

__all__ = ["document_events", "harness_markers"]


def harness_markers() -> st.SearchStrategy[dict[str, Any]]:
    """Small ``__harness__`` markers, as the harness puts them in bodies for worker probes."""
    keys = st.sampled_from(["fail", "hang_s", "crash", "attempts"])
    return st.dictionaries(keys, st.integers(0, 5), max_size=2)


def _build(kwargs: dict[str, Any]) -> DocumentWebhook:
    task = kwargs.pop("task")
    return DocumentWebhook.model_validate(document_payload(task, **kwargs))


@functools.cache
def document_events() -> st.SearchStrategy[DocumentWebhook]:
    """Document-flavour bodies: creations and ``Backlog`` -> ``À faire`` status changes."""
    required = {
        "task": st.sampled_from(content_pools().tasks),
        "pulse_id": p.numeric_strings(),
        "board_id": p.numeric_strings(),
        "status_change": st.booleans(),
        "trigger_uuid": st.one_of(st.none(), p.trigger_uuids()),
        "timestamp": st.one_of(st.none(), p.timestamps()),
        "with_criteria": st.booleans(),
    }
    optional = {"marker": harness_markers(), "title": p.wild_text()}
    return st.fixed_dictionaries(required, optional=optional).map(_build)
