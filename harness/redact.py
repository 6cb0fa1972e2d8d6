"""Keep secrets out of messages, logs and reports."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

_URL_PASSWORD = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.\-]*://)(?P<user>[^:/@\s]*):(?P<pw>[^@/\s]*)@")
MASK = "***"


def mask_url_passwords(text: str) -> str:
    """Replace the password of every ``scheme://user:password@`` in ``text``."""
    return _URL_PASSWORD.sub(lambda m: f"{m['scheme']}{m['user']}:{MASK}@", text)


class Redactor:
    """Masks known secret values and URL passwords in any text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: set[str] = set()
        self.add(*secrets)

    def add(self, *secrets: str) -> None:
        """Register more secret values (values shorter than 4 characters are ignored)."""
        self._secrets.update(s for s in secrets if s and len(s) >= 4)

    @property
    def secrets(self) -> frozenset[str]:
        return frozenset(self._secrets)

    def __call__(self, text: str) -> str:
        text = mask_url_passwords(text)
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, MASK)
        return text


def redact_tree(value: Any, redact: Callable[[str], str]) -> Any:
    """``value`` with every string in it (keys included) redacted, before any escaping can hide a secret."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact_tree(k, redact): redact_tree(v, redact) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_tree(v, redact) for v in value]
    return value
