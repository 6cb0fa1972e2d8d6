"""Pre-generated pools of content, built once from a fixed seed.

Calling Faker inside a Hypothesis strategy or a load-test loop costs tens of
microseconds per value; indexing these tuples costs almost nothing and keeps every
run reproducible (for a given Faker version).  ``edge_texts`` holds the strings that
break encoders and signers: empty, quotes, markup, control characters, combining marks,
right-to-left scripts, astral emoji, line separators, very long text.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass

from .providers import DevTask, make_faker

__all__ = ["EDGE_TEXTS", "POOL_SEED", "ContentPools", "content_pools"]

POOL_SEED = 20240115  # fixed: pools are identical from run to run
POOL_SIZE = 256

EDGE_TEXTS = (
    "",
    " ",
    "'",
    '"',
    "\\",
    "\\u0000",
    "\x00",
    "\n\t\r",
    "\u2028\u2029",
    "\ufeff",
    "\uffff",
    "é",
    "e\u0301",
    "À faire",
    "Ω≈ç√∫",
    "😀🚀",
    "👩\u200d💻",
    "🇫🇷",
    "\u05e9\u05dc\u05d5\u05dd",
    "مرحبا بالعالم",
    "日本語のタスク",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "</p><script>alert(1)</script>",
    "<b>gras</b> &amp;",
    '{"event": {}}',
    "null",
    "%s%n%x",
    "x" * 500,
    "sha256=",
    "Bearer ",
)
_CODEPOINT_RANGES = (
    (0x01, 0x1F),
    (0x20, 0x7E),
    (0xA0, 0x24F),
    (0x370, 0x4FF),
    (0x590, 0x6FF),
    (0x3040, 0x30FF),
    (0x4E00, 0x9FFF),
    (0xE000, 0xF8FF),
    (0x1F300, 0x1FAFF),
    (0x10000, 0x10FFFF),
)


@dataclass(frozen=True)
class ContentPools:
    """Realistic values to sample from."""

    tasks: tuple[DevTask, ...]
    titles: tuple[str, ...]
    people: tuple[str, ...]
    repo_urls: tuple[str, ...]
    branches: tuple[str, ...]
    colours: tuple[str, ...]
    group_ids: tuple[str, ...]
    comments: tuple[str, ...]
    edge_texts: tuple[str, ...]


def _comment(task: DevTask, number: int) -> str:
    if task.language == "fr":
        return f"PR ouverte pour « {task.title} » : {task.repository_url}/pull/{number}"
    return f"Opened a PR for “{task.title}”: {task.repository_url}/pull/{number}"


def _random_text(rng: random.Random) -> str:
    low, high = rng.choice(_CODEPOINT_RANGES)
    return "".join(chr(rng.randint(low, high)) for _ in range(rng.randint(1, 40)))


def _edge_texts(rng: random.Random, extra: int) -> tuple[str, ...]:
    return EDGE_TEXTS + tuple(_random_text(rng) for _ in range(extra))


@functools.cache
def content_pools(size: int = POOL_SIZE) -> ContentPools:
    """Build (once per ``size``) the pools from generators seeded with :data:`POOL_SEED`."""
    fake = make_faker(POOL_SEED)
    tasks = tuple(fake.dev_task(lang=("fr", "en")[i % 2]) for i in range(size))
    return ContentPools(
        tasks=tasks,
        titles=tuple(t.title for t in tasks),
        people=tuple(fake.name() for _ in range(size)),
        repo_urls=tuple(sorted({t.repository_url for t in tasks})),
        branches=tuple(sorted({t.branch_name for t in tasks})),
        colours=tuple(fake.hex_colour() for _ in range(size)),
        group_ids=tuple(fake.monday_group_id() for _ in range(size // 4)),
        comments=tuple(_comment(t, i + 1) for i, t in enumerate(tasks)),
        edge_texts=_edge_texts(random.Random(POOL_SEED), size // 4),
    )
