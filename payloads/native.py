"""Fast, seedable native Monday payloads (``{"event": {...}}``) for load tests and live checks.

:func:`make_monday_event` is the native twin of :func:`payloads.factory.make_document_event`: the
same arguments, the same task content, but the body Monday really sends. ``type``, ``triggerUuid``
and ``isRetry`` sit inside ``event``, ids are JSON numbers, and a move to "À faire" is an
``update_column_value`` of a status (``color``) column whose ``value`` carries the new label.
"""

from __future__ import annotations

import copy
import random
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from .factory import HARNESS_MARKER_KEY, STATUS_AFTER, STATUS_BEFORE
from .pools import content_pools
from .providers import DevTask
from .vocabulary import STATUS_LABELS

__all__ = ["make_monday_event", "monday_payload", "status_value"]

_SEEDED_EPOCH_MS = 1_705_314_600_000  # 2024-01-15T10:30:00Z, as the document's example
_YEAR_MS = 365 * 24 * 3600 * 1000


def status_value(text: str) -> dict[str, Any]:
    """A status column value as Monday writes it, for one of the board's labels."""
    spec = next(s for s in STATUS_LABELS if s.text == text)
    style = {"color": spec.color, "border": spec.border, "var_name": spec.var_name}
    return {"label": {"index": spec.label_index, "text": spec.text, "style": style, "is_done": spec.is_done},
            "post_id": None}


def _trigger_time(epoch_ms: int) -> str:
    instant = datetime.fromtimestamp(epoch_ms // 1000, UTC)
    return instant.strftime("%Y-%m-%dT%H:%M:%S.") + f"{epoch_ms % 1000:03d}Z"


def _common(rng: random.Random, board_id: int | str, trigger_uuid: str, epoch_ms: int) -> dict[str, Any]:
    return {"app": "monday", "userId": rng.randrange(1_000_000, 999_999_999), "originalTriggerUuid": None,
            "boardId": board_id, "triggerTime": _trigger_time(epoch_ms),
            "subscriptionId": rng.randrange(10_000_000, 999_999_999), "isRetry": False,
            "triggerUuid": trigger_uuid}


def _status_change(task: DevTask, epoch_ms: int) -> dict[str, Any]:
    return {"type": "update_column_value", "groupId": "topics", "pulseName": task.title, "columnId": "status",
            "columnType": "color", "columnTitle": "Status", "value": status_value(STATUS_AFTER),
            "previousValue": status_value(STATUS_BEFORE), "changedAt": epoch_ms / 1000, "isTopGroup": True}


def _creation(task: DevTask) -> dict[str, Any]:
    columns = {"task_type": {"value": task.task_type}, "priority": {"value": task.priority},
               "repository_url": {"value": task.repository_url}, "branch_name": {"value": task.branch_name},
               "description": {"text": task.description}}
    return {"type": "create_pulse", "pulseName": task.title, "groupId": "topics", "groupName": STATUS_BEFORE,
            "groupColor": "#579bfc", "isTopGroup": True, "columnValues": columns}


def monday_payload(task: DevTask, *, rng: random.Random, pulse_id: int, board_id: int | str, status_change: bool,
                   trigger_uuid: str, epoch_ms: int, marker: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Assemble a native body: a creation, or a status change from "Backlog" to "À faire"."""
    event = {**_common(rng, board_id, trigger_uuid, epoch_ms), "pulseId": pulse_id,
             **(_status_change(task, epoch_ms) if status_change else _creation(task))}
    if marker is not None:
        event[HARNESS_MARKER_KEY] = copy.deepcopy(dict(marker))
    return {"event": event}


def _board(board_id: str | int | None, rng: random.Random) -> int | str:
    if board_id is None:
        return rng.randrange(100_000_000, 9_999_999_999)
    return int(board_id) if str(board_id).isdigit() else str(board_id)


def make_monday_event(
    *,
    status_change: bool,
    trigger_uuid: str | None = None,
    marker: dict[str, Any] | None = None,
    seed: int | None = None,
    board_id: str | int | None = None,
) -> dict[str, Any]:
    """A realistic native Monday payload dict, ready to be JSON-encoded and signed.

    Arguments as :func:`payloads.factory.make_document_event`: ``status_change`` moves the item from
    ``Backlog`` to ``À faire``, ``trigger_uuid`` defaults to a fresh 32-hex id, ``marker`` goes into
    ``event["__harness__"]``, ``board_id`` pins the board. Same ``seed``, same arguments: same dict.
    """
    rng = random.Random(seed)
    task = rng.choice(content_pools().tasks)
    if trigger_uuid is None:
        trigger_uuid = uuid.uuid4().hex if seed is None else f"{rng.getrandbits(128):032x}"
    now_ms = int(datetime.now(UTC).timestamp() * 1000)
    epoch_ms = now_ms if seed is None else _SEEDED_EPOCH_MS + rng.randrange(_YEAR_MS)
    return monday_payload(task, rng=rng, pulse_id=rng.randrange(1_000_000_000, 9_999_999_999),
                          board_id=_board(board_id, rng), status_change=status_change, trigger_uuid=trigger_uuid,
                          epoch_ms=epoch_ms, marker=marker)
