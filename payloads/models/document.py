"""The migration document's own webhook flavour.

The AI-Agent migration document shows payloads unlike Monday's native ones: ``type``,
``triggerUuid`` and ``timestamp`` sit beside ``event`` rather than inside it, ids are
strings, and ``columnValues`` maps the board's columns (``task_type``, ``priority``,
``repository_url``, ``branch_name``, ``description``, ``acceptance_criteria``) to
``{"text": ...}`` cells.  A status change adds ``previousColumnValues`` and
``newColumnValues``.  The harness may add a ``__harness__`` marker inside ``event``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from .base import CamelModel, IsoInstant, NumericString, SnakeModel

__all__ = ["DocumentColumns", "DocumentEvent", "DocumentWebhook", "TextCell"]

HARNESS_MARKER_KEY = "__harness__"


class TextCell(SnakeModel):
    """A column cell as the document writes it: ``{"text": "..."}``."""

    text: str


class DocumentColumns(SnakeModel):
    """The task columns the AI-Agent reads from an item."""

    task_type: TextCell
    priority: TextCell
    repository_url: TextCell
    branch_name: TextCell
    description: TextCell
    acceptance_criteria: TextCell | None = None


class DocumentEvent(CamelModel):
    """``event`` of a document-flavour payload."""

    pulse_id: NumericString
    board_id: NumericString
    pulse_name: str
    column_values: DocumentColumns
    previous_column_values: dict[str, TextCell] | None = None
    new_column_values: dict[str, TextCell] | None = None
    harness: dict[str, Any] | None = Field(
        default=None,
        validation_alias=HARNESS_MARKER_KEY,
        serialization_alias=HARNESS_MARKER_KEY,
    )

    @property
    def is_status_change(self) -> bool:
        """True when the payload reports a status transition."""
        return self.new_column_values is not None


class DocumentWebhook(CamelModel):
    """A whole document-flavour request body."""

    webhook_tag: ClassVar[str] = "document"

    event: DocumentEvent
    type: str | None = None
    trigger_uuid: str | None = None
    timestamp: IsoInstant | None = None
