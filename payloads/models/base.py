"""Shared model bases and constrained scalar types for Monday webhook payloads.

Monday serialises event fields in camelCase (``pulseId``, ``triggerUuid``) but nested
values in snake_case (``var_name``, ``is_top_group``).  :class:`CamelModel` covers the
first family and :class:`SnakeModel` the second.  Both keep unknown keys (Monday adds
fields over time) and are immutable, so generated instances can be shared safely.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, Strict, StringConstraints
from pydantic.alias_generators import to_camel

__all__ = [
    "CamelModel",
    "DateString",
    "HexColour",
    "IsoInstant",
    "MondayId",
    "NumericString",
    "SnakeModel",
    "StrictFlag",
    "TriggerTime",
    "TriggerUuid",
]

TriggerUuid = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
"""Monday's delivery id: 32 lowercase hex characters."""

MondayId = Annotated[int, Strict(), Field(ge=1)]
"""Numeric board, item, user, update or subscription id, as Monday sends it (a JSON int)."""

NumericString = Annotated[str, StringConstraints(pattern=r"^[0-9]+$")]
"""A numeric id carried as a JSON string (``parentItemId``, the document's ``pulseId``)."""

HexColour = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]

TriggerTime = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")]
"""ISO-8601 UTC instant with milliseconds, e.g. ``2021-10-11T09:07:28.210Z``."""

IsoInstant = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")]
"""ISO-8601 UTC instant, fractional seconds optional (the document's ``timestamp``)."""

DateString = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]

StrictFlag = Annotated[bool, Strict()]


class CamelModel(BaseModel):
    """Base for objects whose JSON keys are camelCase (every Monday event body)."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        extra="allow",
        frozen=True,
    )


class SnakeModel(BaseModel):
    """Base for nested Monday values whose JSON keys are already snake_case."""

    model_config = ConfigDict(extra="allow", frozen=True)
