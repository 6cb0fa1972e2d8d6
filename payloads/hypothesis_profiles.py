"""Hypothesis settings profiles for the payload property tests.

Call :func:`register_profiles` once (from a ``conftest.py``), then select a profile with
``settings.load_profile(name)`` or pytest's ``--hypothesis-profile=name``:

* ``ci``: reproducible (``derandomize``), no example database, prints reproduction blobs;
* ``thorough``: 10,000 examples per property, still reproducible.
"""

from __future__ import annotations

from hypothesis import settings

__all__ = ["PROFILES", "register_profiles"]

PROFILES = ("ci", "thorough")


def register_profiles() -> None:
    """Register the ``ci`` and ``thorough`` profiles (idempotent)."""
    settings.register_profile("ci", derandomize=True, database=None, print_blob=True, deadline=None)
    settings.register_profile(
        "thorough",
        max_examples=10_000,
        derandomize=True,
        database=None,
        print_blob=True,
        deadline=None,
    )
