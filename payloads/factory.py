"""Fast, seedable document-flavour payloads for load tests and integration checks.

:func:`make_document_event` samples pre-generated Faker pools with its own
:class:`random.Random`, so it is cheap enough to call per request, thread-safe, and
fully deterministic when given a ``seed``.
"""

from __future__ import annotations

import copy
import random
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from .models.document import HARNESS_MARKER_KEY
from .pools import content_pools
from .providers import DevTask

__all__ = [
    "HARNESS_MARKER_KEY",
    "STATUS_AFTER",
    "STATUS_BEFORE",
    "document_payload",
    "make_document_event",
    "trigger_uuid_of",
]

STATUS_BEFORE = "Backlog"
STATUS_AFTER = "À faire"
_SEEDED_EPOCH = 1_705_314_600  # 2024-01-15T10:30:00Z, the document's example timestamp
_YEAR_S = 365 * 24 * 3600


def _columns(task: DevTask, with_criteria: bool) -> dict[str, dict[str, str]]:
    columns = {
        "task_type": {"text": task.task_type},
        "priority": {"text": task.priority},
        "repository_url": {"text": task.repository_url},
        "branch_name": {"text": task.branch_name},
        "description": {"text": task.description},
    }
    if with_criteria:
        columns["acceptance_criteria"] = {"text": task.acceptance_criteria}
    return columns


def document_payload(
    task: DevTask,
    *,
    pulse_id: str,
    board_id: str,
    status_change: bool,
    trigger_uuid: str | None,
    timestamp: str | None,
    marker: Mapping[str, Any] | None = None,
    title: str | None = None,
    with_criteria: bool = True,
) -> dict[str, Any]:
    """Assemble a document-flavour body (``type``/``triggerUuid``/``timestamp`` beside ``event``)."""
    event: dict[str, Any] = {
        "pulseId": pulse_id,
        "boardId": board_id,
        "pulseName": task.title if title is None else title,
        "columnValues": _columns(task, with_criteria),
    }
    if status_change:
        event["previousColumnValues"] = {"status": {"text": STATUS_BEFORE}}
        event["newColumnValues"] = {"status": {"text": STATUS_AFTER}}
    if marker is not None:
        event[HARNESS_MARKER_KEY] = copy.deepcopy(dict(marker))
    kind = "column_value_changed" if status_change else "create_pulse"
    body: dict[str, Any] = {"event": event, "type": kind}
    if trigger_uuid is not None:
        body["triggerUuid"] = trigger_uuid
    if timestamp is not None:
        body["timestamp"] = timestamp
    return body


def _timestamp(rng: random.Random | None) -> str:
    epoch = datetime.now(UTC).timestamp() if rng is None else _SEEDED_EPOCH + rng.randrange(_YEAR_S)
    return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_document_event(
    *,
    status_change: bool,
    trigger_uuid: str | None = None,
    marker: dict[str, Any] | None = None,
    seed: int | None = None,
    board_id: str | int | None = None,
) -> dict[str, Any]:
    """A realistic document-flavour payload dict, ready to be JSON-encoded and signed.

    ``status_change`` adds the ``Backlog`` -> ``À faire`` transition.  ``trigger_uuid``
    defaults to a fresh 32-hex id (derived from ``seed`` when one is given).  ``marker``
    is copied into ``event["__harness__"]`` for worker probes.  ``board_id`` pins the
    board (e.g. to ``MONDAY_BOARD_ID``).  Same ``seed``, same arguments: same dict.
    """
    rng = random.Random(seed)
    task = rng.choice(content_pools().tasks)
    if trigger_uuid is None:
        trigger_uuid = uuid.uuid4().hex if seed is None else f"{rng.getrandbits(128):032x}"
    return document_payload(
        task,
        pulse_id=str(rng.randrange(1_000_000_000, 9_999_999_999)),
        board_id=str(board_id) if board_id is not None else str(rng.randrange(100_000_000, 999_999_999)),
        status_change=status_change,
        trigger_uuid=trigger_uuid,
        timestamp=_timestamp(rng if seed is not None else None),
        marker=marker,
        with_criteria=rng.random() < 0.5,
    )


def trigger_uuid_of(body: Mapping[str, Any]) -> str | None:
    """The delivery id of a body of either flavour (top level first, then inside ``event``)."""
    top = body.get("triggerUuid")
    if isinstance(top, str):
        return top
    event = body.get("event")
    inner = event.get("triggerUuid") if isinstance(event, Mapping) else None
    return inner if isinstance(inner, str) else None
