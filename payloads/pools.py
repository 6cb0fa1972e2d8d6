"""Pre-generated pools of Faker content, built once from a fixed seed.

Calling Faker inside a Hypothesis strategy or a load-test loop costs tens of
microseconds per value; sampling from these tuples costs almost nothing and keeps
every run reproducible (for a given Faker version).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from payloads.providers import DevTask, make_faker

__all__ = ["POOL_SEED", "ContentPools", "content_pools"]

POOL_SEED = 20240115  # fixed: pools are identical from run to run
POOL_SIZE = 256


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


def _comment(task: DevTask, number: int) -> str:
    if task.language == "fr":
        return f"PR ouverte pour « {task.title} » : {task.repository_url}/pull/{number}"
    return f"Opened a PR for “{task.title}”: {task.repository_url}/pull/{number}"


@functools.cache
def content_pools(size: int = POOL_SIZE) -> ContentPools:
    """Build (once per ``size``) the pools from a Faker seeded with :data:`POOL_SEED`."""
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
    )
