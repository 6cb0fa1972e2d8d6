"""One Hypothesis choice per example: a random byte block read as mixed-radix digits.

Hypothesis spends roughly 30-70 microseconds per choice on top of a ~300 microsecond
per-example floor, so a body built from twenty separate draws costs three times as
much as one built from a single block.  Each strategy in :mod:`payloads.strategies`
therefore draws one fixed-size ``st.binary`` block and decodes every field from it with
an :class:`Unpacker`.  All-zero bytes decode to the minimal body (lowest ids, first pool
entries, optional fields absent), so Hypothesis's shrinking still yields small examples,
and ``derandomize`` / the example database still replay exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from hypothesis import strategies as st

__all__ = ["BLOCK_BYTES", "Unpacker", "blocks", "built_from_blocks"]

T = TypeVar("T")

BLOCK_BYTES = 96
"""768 bits: enough for the largest event (about 600 bits of fields); smaller blocks draw faster."""


class Unpacker:
    """Reads independent bounded values from one big integer, least significant first."""

    __slots__ = ("_rest",)

    def __init__(self, value: int) -> None:
        self._rest = value

    @classmethod
    def from_bytes(cls, raw: bytes) -> Unpacker:
        """Read ``raw`` as a little-endian integer, so its first bytes feed the first fields."""
        return cls(int.from_bytes(raw, "little"))

    @property
    def remaining(self) -> int:
        """What is left undecoded; zero on an all-ones block means the block was too small."""
        return self._rest

    def below(self, n: int) -> int:
        """A value in ``[0, n)``."""
        self._rest, digit = divmod(self._rest, n)
        return digit

    def between(self, low: int, high: int) -> int:
        """A value in ``[low, high]``."""
        return low + self.below(high - low + 1)

    def chance(self, one_in: int) -> bool:
        """True with probability ``1 / one_in`` (false on the minimal block)."""
        return self.below(one_in) == one_in - 1

    def choice(self, items: Sequence[T]) -> T:
        """One of ``items`` (the first on the minimal block)."""
        return items[self.below(len(items))]

    def maybe(self, read: Callable[[Unpacker], T], one_in: int = 2) -> T | None:
        """``read(self)`` with probability ``1 / one_in``, else None."""
        return read(self) if self.chance(one_in) else None


def blocks(size: int = BLOCK_BYTES) -> st.SearchStrategy[Unpacker]:
    """Fresh :class:`Unpacker` objects over ``size`` random bytes (a single choice)."""
    return st.binary(min_size=size, max_size=size).map(Unpacker.from_bytes)


def built_from_blocks(build: Callable[[Unpacker], T]) -> st.SearchStrategy[T]:
    """A strategy applying ``build`` to a fresh block per example."""
    return st.binary(min_size=BLOCK_BYTES, max_size=BLOCK_BYTES).map(lambda raw: build(Unpacker.from_bytes(raw)))
