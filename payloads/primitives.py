"""Cheap Hypothesis strategies for the scalar parts of Monday events.

Every strategy here costs one or two Hypothesis choices: ids and uuids come from a
single integer draw, content is sampled from :func:`payloads.pools.content_pools`,
with a minority of arbitrary Unicode text to exercise encoding and signing.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from hypothesis import strategies as st

from payloads.pools import content_pools
from payloads.vocabulary import STATUS_LABELS, StatusLabelSpec

__all__ = [
    "board_ids",
    "challenge_tokens",
    "changed_at",
    "colours",
    "comments",
    "dates",
    "group_ids",
    "item_ids",
    "numeric_strings",
    "status_labels",
    "subscription_ids",
    "task_titles",
    "timestamps",
    "trigger_times",
    "trigger_uuids",
    "update_ids",
    "user_ids",
    "wild_text",
]

_MS_2020 = 1_577_836_800_000
_MS_2030 = 1_893_456_000_000


def trigger_uuids() -> st.SearchStrategy[str]:
    """32 lowercase hex characters."""
    return st.integers(0, 2**128 - 1).map("{:032x}".format)


def board_ids() -> st.SearchStrategy[int]:
    """Board ids: 9 to 11 digits."""
    return st.integers(100_000_000, 99_999_999_999)


item_ids = board_ids
update_ids = board_ids


def user_ids() -> st.SearchStrategy[int]:
    """User ids (Monday's are 7-9 digits)."""
    return st.integers(1_000_000, 999_999_999)


def subscription_ids() -> st.SearchStrategy[int]:
    """Webhook subscription ids."""
    return st.integers(10_000_000, 999_999_999)


def numeric_strings() -> st.SearchStrategy[str]:
    """An id written as a JSON string (``parentItemId``)."""
    return board_ids().map(str)


def _iso_ms(epoch_ms: int) -> str:
    instant = datetime.fromtimestamp(epoch_ms / 1000, UTC)
    return instant.strftime("%Y-%m-%dT%H:%M:%S.") + f"{epoch_ms % 1000:03d}Z"


def trigger_times() -> st.SearchStrategy[str]:
    """``triggerTime``: ISO-8601 UTC with milliseconds, 2020-2030."""
    return st.integers(_MS_2020, _MS_2030).map(_iso_ms)


def changed_at() -> st.SearchStrategy[float]:
    """``changedAt``: epoch seconds as a float with microseconds."""
    return st.integers(_MS_2020 * 1000, _MS_2030 * 1000).map(lambda us: us / 1_000_000)


def dates() -> st.SearchStrategy[str]:
    """``YYYY-MM-DD`` dates."""
    return st.dates().map(lambda d: d.isoformat())


def wild_text(max_size: int = 40) -> st.SearchStrategy[str]:
    """Arbitrary Unicode text (no surrogates): the edge cases of encoding and signing."""
    return st.text(max_size=max_size)


def task_titles() -> st.SearchStrategy[str]:
    """Item names: mostly realistic French/English task titles, sometimes arbitrary text."""
    realistic = st.sampled_from(content_pools().titles)
    return st.one_of(realistic, realistic, realistic, wild_text())


def comments() -> st.SearchStrategy[str]:
    """Update (comment) texts."""
    return st.one_of(st.sampled_from(content_pools().comments), wild_text(80))


def colours() -> st.SearchStrategy[str]:
    """``#rrggbb`` colours."""
    return st.sampled_from(content_pools().colours)


def group_ids() -> st.SearchStrategy[str]:
    """Group ids such as ``topics`` or ``new_group_mkmwnd8t``."""
    return st.sampled_from(content_pools().group_ids)


def status_labels() -> st.SearchStrategy[StatusLabelSpec]:
    """Status labels with Monday's styling."""
    return st.sampled_from(STATUS_LABELS)


def _token(raw: bytes) -> str:
    return base64.b64encode(raw, altchars=b"xY").decode().rstrip("=")


def challenge_tokens() -> st.SearchStrategy[str]:
    """Challenge tokens: mostly Monday-like alphanumerics, sometimes arbitrary text."""
    return st.one_of(st.binary(min_size=24, max_size=48).map(_token), wild_text(64))


def timestamps() -> st.SearchStrategy[str]:
    """The document's ``timestamp``: ISO-8601 UTC to the second (``2024-01-15T10:30:00Z``)."""
    return st.integers(_MS_2020 // 1000, _MS_2030 // 1000).map(
        lambda s: datetime.fromtimestamp(s, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    )
