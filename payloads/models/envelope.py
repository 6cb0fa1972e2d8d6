"""Request bodies (envelopes) and the dispatch that picks the right model for a body.

Three bodies reach the webhook endpoint:

* ``{"challenge": "..."}`` when the URL is registered (:class:`Challenge`);
* ``{"event": {...}}`` with a native Monday event (:class:`MondayWebhook`);
* the migration document's flavour, whose ``event`` has no ``type``
  (:class:`~payloads.models.document.DocumentWebhook`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Discriminator, Tag, TypeAdapter

from .base import CamelModel
from .document import DocumentWebhook
from .events import (
    ArchivePulseEvent,
    CreatePulseEvent,
    CreateSubitemEvent,
    CreateUpdateEvent,
    DateChangeEvent,
    DeletePulseEvent,
    GenericColumnChangeEvent,
    MondayEventBase,
    MovePulseIntoGroupEvent,
    OtherEvent,
    RestorePulseEvent,
    StatusChangeEvent,
    TextChangeEvent,
    UpdateNameEvent,
)

__all__ = [
    "Challenge",
    "MondayEvent",
    "MondayWebhook",
    "WebhookModel",
    "as_json_bytes",
    "event_tag",
    "parse_webhook",
]

_COLUMN_TAGS = {"color": "status_change", "date": "date_change", "text": "text_change"}
_SIMPLE_TAGS = frozenset(
    {
        "update_name",
        "create_update",
        "archive_pulse",
        "delete_pulse",
        "restore_pulse",
        "move_pulse_into_group",
    }
)


def _get(data: Mapping[str, Any], camel: str, snake: str) -> Any:
    return data.get(camel, data.get(snake))


def event_tag(data: Any) -> str | None:
    """Name the event variant of a raw event dict (or model): ``create_subitem``, ``status_change``..."""
    if isinstance(data, MondayEventBase):
        return data.tag
    if not isinstance(data, Mapping):
        return None
    kind = data.get("type")
    if kind == "create_pulse":
        has_parent = _get(data, "parentItemId", "parent_item_id") is not None
        return "create_subitem" if has_parent else "create_pulse"
    if kind == "update_column_value":
        return _COLUMN_TAGS.get(_get(data, "columnType", "column_type"), "column_change")
    return kind if kind in _SIMPLE_TAGS else "other"


MondayEvent = Annotated[
    Annotated[CreatePulseEvent, Tag("create_pulse")]
    | Annotated[CreateSubitemEvent, Tag("create_subitem")]
    | Annotated[StatusChangeEvent, Tag("status_change")]
    | Annotated[DateChangeEvent, Tag("date_change")]
    | Annotated[TextChangeEvent, Tag("text_change")]
    | Annotated[GenericColumnChangeEvent, Tag("column_change")]
    | Annotated[UpdateNameEvent, Tag("update_name")]
    | Annotated[CreateUpdateEvent, Tag("create_update")]
    | Annotated[ArchivePulseEvent, Tag("archive_pulse")]
    | Annotated[DeletePulseEvent, Tag("delete_pulse")]
    | Annotated[RestorePulseEvent, Tag("restore_pulse")]
    | Annotated[MovePulseIntoGroupEvent, Tag("move_pulse_into_group")]
    | Annotated[OtherEvent, Tag("other")],
    Discriminator(event_tag),
]
"""Any native Monday event, validated into the class its ``type`` (and shape) selects."""


class Challenge(BaseModel):
    """The URL-verification body ``{"challenge": "<token>"}``; echo it back verbatim."""

    model_config = ConfigDict(extra="allow", frozen=True)
    webhook_tag: ClassVar[str] = "challenge"

    challenge: str


class MondayWebhook(CamelModel):
    """A native Monday delivery: ``{"event": {...}}``."""

    webhook_tag: ClassVar[str] = "monday"

    event: MondayEvent

    @property
    def trigger_uuid(self) -> str:
        """The delivery id receivers must deduplicate on."""
        return self.event.trigger_uuid


WebhookModel = Challenge | MondayWebhook | DocumentWebhook


def _webhook_tag(data: Any) -> str | None:
    if isinstance(data, (Challenge, MondayWebhook, DocumentWebhook)):
        return data.webhook_tag
    if not isinstance(data, Mapping):
        return None
    event = data.get("event")
    if isinstance(event, Mapping):
        return "monday" if "type" in event else "document"
    return "challenge" if "challenge" in data else None


_ADAPTER: TypeAdapter[WebhookModel] = TypeAdapter(
    Annotated[
        Annotated[Challenge, Tag("challenge")]
        | Annotated[MondayWebhook, Tag("monday")]
        | Annotated[DocumentWebhook, Tag("document")],
        Discriminator(_webhook_tag),
    ]
)


def parse_webhook(obj: Mapping[str, Any] | str | bytes) -> WebhookModel:
    """Validate a request body (parsed JSON, or raw JSON text) into its model.

    Raises :class:`pydantic.ValidationError` when the body matches no known shape.
    """
    if isinstance(obj, (str, bytes)):
        return _ADAPTER.validate_json(obj)
    return _ADAPTER.validate_python(obj)


def as_json_bytes(model: BaseModel) -> bytes:
    """Serialise a model to the exact bytes a sender would put on the wire.

    Keys use Monday's spelling, and only the fields that were set (explicit ``null``
    included) are written, so parsing the bytes back yields an equal model.
    """
    return model.model_dump_json(by_alias=True, exclude_unset=True).encode()
