"""Signed Monday deliveries for the load generator, generated before the run starts.

Faker-backed payloads are made once, up front, as byte templates split around their ``triggerUuid``.
Each send only splices in its own id (``<process prefix><24 hex digits of the sequence number>``)
and signs the result, so payload generation stays off the hot path while every delivery is unique
(the target may drop a repeated ``triggerUuid`` as a duplicate).
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass

from harness.payloads.dialects import MONDAY, make_event
from harness.payloads.signers import signed_headers

PREFIX_HEX = 8
SEQ_HEX = 24
_PLACEHOLDER = "f" * (PREFIX_HEX + SEQ_HEX)


def new_prefix() -> str:
    """A random per-process prefix: each Locust worker recognises its own deliveries by it."""
    return secrets.token_hex(PREFIX_HEX // 2)


def trigger_of(prefix: str, seq: int) -> str:
    return f"{prefix}{seq:0{SEQ_HEX}x}"


def trigger_pattern(prefix: str) -> re.Pattern[bytes]:
    """Finds ``"triggerUuid": "<prefix><seq>"`` in a JSON body; group 1 is the sequence in hex."""
    return re.compile(rb'"triggerUuid"\s*:\s*"' + re.escape(prefix.encode()) + rb"([0-9a-f]{%d})\"" % SEQ_HEX)


@dataclass(frozen=True)
class _Template:
    head: bytes
    tail: bytes
    status_change: bool


class WebhookBodies:
    """A pool of payload templates; :meth:`make` returns one send's body and signed headers."""

    def __init__(self, secret: str, scheme: str, url: str, prefix: str, *, pool: int = 256,
                 status_change_ratio: float = 0.5, board_id: str | None = None, seed: int = 0,
                 dialect: str = MONDAY) -> None:
        self._secret, self._scheme, self._url, self.prefix = secret, scheme, url, prefix
        ratio = min(max(status_change_ratio, 0.0), 1.0)
        self._templates = [_template(seed + i, int((i + 1) * ratio) > int(i * ratio), board_id, dialect)
                           for i in range(pool)]

    def status_change(self, seq: int) -> bool:
        """Whether send ``seq`` moves its item to "À faire" (the workflow is enqueued too)."""
        return self._templates[seq % len(self._templates)].status_change

    def make(self, seq: int) -> tuple[bytes, dict[str, str]]:
        template = self._templates[seq % len(self._templates)]
        body = template.head + trigger_of(self.prefix, seq).encode() + template.tail
        extra = {"aud": self._url} if self._scheme == "jwt" else {}
        return body, signed_headers(body, self._secret, self._scheme, **extra)


def _template(seed: int, status_change: bool, board_id: str | None, dialect: str) -> _Template:
    payload = make_event(dialect, status_change=status_change, trigger_uuid=_PLACEHOLDER, seed=seed,
                         board_id=board_id)
    text = json.dumps(payload, ensure_ascii=False).encode()
    head, found, tail = text.partition(_PLACEHOLDER.encode())
    if not found or _PLACEHOLDER.encode() in tail:
        raise ValueError("the payload template must carry its triggerUuid exactly once")
    return _Template(head, tail, status_change)
