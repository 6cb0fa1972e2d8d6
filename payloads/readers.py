"""Readers of the scalar parts of Monday events from an :class:`~payloads.blocks.Unpacker`."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from .blocks import Unpacker
from .pools import content_pools
from .vocabulary import GROUPS, STATUS_LABELS, StatusLabelSpec

__all__ = [
    "board_id",
    "challenge_token",
    "changed_at",
    "colour",
    "comment",
    "day",
    "group_id",
    "group_title",
    "item_id",
    "status_label",
    "subscription_id",
    "text",
    "timestamp",
    "title",
    "trigger_time",
    "trigger_uuid",
    "user_id",
]

_MS_2020 = 1_577_836_800_000
_MS_2030 = 1_893_456_000_000
_DAY_2020 = date(2020, 1, 1)
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def trigger_uuid(u: Unpacker) -> str:
    """32 lowercase hex characters."""
    return f"{u.below(2**128):032x}"


def board_id(u: Unpacker) -> int:
    """Board and item ids: 9 to 11 digits."""
    return u.between(100_000_000, 99_999_999_999)


item_id = board_id


def user_id(u: Unpacker) -> int:
    """User ids: 7 to 9 digits."""
    return u.between(1_000_000, 999_999_999)


def subscription_id(u: Unpacker) -> int:
    """Webhook subscription ids."""
    return u.between(10_000_000, 999_999_999)


def trigger_time(u: Unpacker) -> str:
    """``triggerTime``: ISO-8601 UTC with milliseconds, 2020-2030."""
    epoch_ms = u.between(_MS_2020, _MS_2030)
    instant = datetime.fromtimestamp(epoch_ms // 1000, UTC)
    return instant.strftime("%Y-%m-%dT%H:%M:%S.") + f"{epoch_ms % 1000:03d}Z"


def timestamp(u: Unpacker) -> str:
    """The document's ``timestamp``: ISO-8601 UTC to the second."""
    seconds = u.between(_MS_2020 // 1000, _MS_2030 // 1000)
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def changed_at(u: Unpacker) -> float:
    """``changedAt``: epoch seconds as a float with microseconds."""
    return u.between(_MS_2020 * 1000, _MS_2030 * 1000) / 1_000_000


def day(u: Unpacker) -> str:
    """A ``YYYY-MM-DD`` date, 2020-2030."""
    return (_DAY_2020 + timedelta(days=u.below(3653))).isoformat()


def text(u: Unpacker, realistic: tuple[str, ...]) -> str:
    """Usually one of ``realistic``; one time in four an edge-case Unicode string."""
    return u.choice(content_pools().edge_texts) if u.chance(4) else u.choice(realistic)


def title(u: Unpacker) -> str:
    """An item name: a French or English dev-task title, sometimes edge-case text."""
    return text(u, content_pools().titles)


def comment(u: Unpacker) -> str:
    """The text of an update (comment)."""
    return text(u, content_pools().comments)


def colour(u: Unpacker) -> str:
    """A ``#rrggbb`` colour."""
    return u.choice(content_pools().colours)


def group_id(u: Unpacker) -> str:
    """A group id such as ``topics`` or ``new_group_mkmwnd8t``."""
    return u.choice(content_pools().group_ids)


def group_title(u: Unpacker) -> str:
    """A group title of a dev board."""
    return u.choice(GROUPS)[1]


def status_label(u: Unpacker) -> StatusLabelSpec:
    """A status label with Monday's styling."""
    return u.choice(STATUS_LABELS)


def challenge_token(u: Unpacker) -> str:
    """A challenge token: 52 alphanumerics like Monday's, or (one in four) edge-case text."""
    if u.chance(4):
        return u.choice(content_pools().edge_texts)
    return "".join(_ALNUM[u.below(len(_ALNUM))] for _ in range(52))
