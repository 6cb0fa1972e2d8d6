"""Sample request bodies: the migration document's two examples and Monday-shaped samples.

Each ``*.json`` file beside this module is one body.  ``document_*`` files are the
document's examples, verbatim (the seed file's UTF-8 mis-decoding repaired); the others
follow the shapes of Monday's documented samples with their own ids and names.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from ..dialects import dialect_of

__all__ = ["corpus_names", "load_corpus", "load_sample", "samples_in"]


def _files() -> list[Any]:
    root = resources.files(__name__)
    return sorted((f for f in root.iterdir() if f.name.endswith(".json")), key=lambda f: f.name)


def corpus_names() -> list[str]:
    """Names of the samples (file names without ``.json``), sorted."""
    return [f.name.removesuffix(".json") for f in _files()]


def load_sample(name: str) -> dict[str, Any]:
    """One sample body by name (e.g. ``"update_column_value_status"``)."""
    text = resources.files(__name__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    body: dict[str, Any] = json.loads(text)
    return body


def load_corpus() -> dict[str, dict[str, Any]]:
    """Every sample body, by name; each call returns fresh dicts."""
    return {name: load_sample(name) for name in corpus_names()}


def samples_in(dialect: str) -> dict[str, dict[str, Any]]:
    """The deliveries written in ``dialect`` (``monday`` or ``document``), by name; challenges are in neither."""
    return {name: body for name, body in load_corpus().items() if dialect_of(body) == dialect}
