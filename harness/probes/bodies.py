"""Task message bodies read the way Celery's consumer reads them, through kombu's own registries.

First the ``compression`` application header (what ``task_compression`` sets) names the decompressor,
then the content type names the deserializer (json, pickle, msgpack, yaml). A body that cannot be read
becomes a :class:`Decoded` carrying the reason; nothing here raises on bad input.

Pickle (and yaml through kombu's safe loader) is accepted on purpose: the bodies read here only ever
come from the target's own broker namespace for this run (its private vhost, or its Redis database),
so unpickling runs the target's own messages, never input from outside the run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import kombu.compression
import kombu.serialization

compression_registry: Any = kombu.compression  # untyped
serialization_registry: Any = kombu.serialization  # untyped
ACCEPT = frozenset(serialization_registry.registry.type_to_name)  # every serializer kombu decodes here
JSON_TYPE = "application/json"


@dataclass(frozen=True)
class Decoded:
    value: Any = None
    reason: str = ""  # why the body could not be decoded; empty when it was

    @property
    def ok(self) -> bool:
        return not self.reason

    @property
    def args(self) -> list[Any]:
        """The task's positional arguments (protocol 2: ``[args, kwargs, embed]``; protocol 1: ``args``)."""
        value = self.value
        if isinstance(value, list | tuple) and value:
            args = value[0]
        elif isinstance(value, dict):
            args = value.get("args", [])
        else:
            return []
        return list(args) if isinstance(args, list | tuple) else []


def _text(value: str | bytes | None) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value or ""


def decompressed(body: bytes, compression: str | bytes | None) -> tuple[bytes, str]:
    """(the body without its compression, "") or (b"", why it could not be decompressed)."""
    kind = _text(compression)
    if not kind:
        return body, ""
    try:
        return bytes(compression_registry.decompress(body, kind)), ""
    except KeyError:
        return b"", f"compressed with {kind}, which no package installed here decompresses"
    except Exception as exc:  # a damaged body: zlib.error, OSError, lzma.LZMAError, ...
        return b"", f"{kind} body does not decompress ({type(exc).__name__}: {exc})"


def deserialized(data: bytes, content_type: str | bytes | None, content_encoding: str | bytes | None) -> Decoded:
    """The value a serialized body stands for, or why it cannot be read."""
    kind = _text(content_type)
    if not kind:  # published raw, without a content type: JSON or nothing
        return _untyped(data)
    if kind not in ACCEPT:
        return Decoded(reason=f"serialized as {kind}, which kombu cannot decode here")
    try:
        return Decoded(serialization_registry.loads(data, kind, _text(content_encoding) or None, accept=ACCEPT))
    except Exception as exc:  # any decoder may raise anything on bytes it did not make
        return Decoded(reason=f"{kind} body does not decode ({type(exc).__name__}: {exc})")


def _untyped(data: bytes) -> Decoded:
    try:
        return Decoded(json.loads(data))
    except (ValueError, RecursionError) as exc:
        return Decoded(reason=f"no content type, and not JSON ({type(exc).__name__})")


def decode_body(body: bytes, content_type: str | bytes | None = None, content_encoding: str | bytes | None = None,
                compression: str | bytes | None = None) -> Decoded:
    """The body decompressed, then deserialized, as a Celery worker would; or the reason it cannot be."""
    data, reason = decompressed(body, compression)
    return Decoded(reason=reason) if reason else deserialized(data, content_type, content_encoding)


def is_plain_json(content_type: str | bytes | None, compression: str | bytes | None) -> bool:
    """Whether the raw body is already JSON text (the fast path: nothing to decode)."""
    return not _text(compression) and _text(content_type) in ("", JSON_TYPE)


def searchable(body: bytes, content_type: str | bytes | None = None, content_encoding: str | bytes | None = None,
               compression: str | bytes | None = None) -> bytes:
    """JSON text of the body, for byte searches (a triggerUuid, a task id): the body itself when it is
    JSON already, the decoded value written as JSON otherwise, the raw body when it cannot be decoded."""
    if is_plain_json(content_type, compression):
        return body
    decoded = decode_body(body, content_type, content_encoding, compression)
    if not decoded.ok:
        return body
    try:
        return json.dumps(decoded.value, default=str).encode()
    except (ValueError, TypeError, RecursionError):
        return body
