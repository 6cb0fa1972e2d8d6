"""Celery's PostgreSQL result backend: the ``celery_taskmeta`` table."""

from __future__ import annotations

import io
import json
import pickle
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy

from harness.endpoints import Database


class _PlainUnpickler(pickle.Unpickler):
    """Unpickles the plain data Celery stores (dicts, lists, strings); refuses any class."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"refusing to load {module}.{name}")


def decode_result(raw: bytes | None) -> Any:
    if raw is None:
        return None
    try:
        return _PlainUnpickler(io.BytesIO(raw)).load()
    except (pickle.UnpicklingError, EOFError, ValueError) as exc:
        try:  # newer Celery stores the serialized (JSON) result itself, e.g. {"exc_type": "WorkerLostError", ...}
            return json.loads(raw)
        except (ValueError, TypeError):
            return f"<undecodable result: {exc}>"


@dataclass(frozen=True)
class TaskRow:
    task_id: str
    status: str
    result: Any
    traceback: str | None


class ResultBackend:
    """Reads result rows; an id with no row was never stored (lost, or not yet finished)."""

    def __init__(self, database: Database) -> None:
        self._engine = sqlalchemy.create_engine(database.url, pool_size=1, max_overflow=1)

    def close(self) -> None:
        self._engine.dispose()

    def rows(self, task_ids: Iterable[str]) -> dict[str, TaskRow]:
        ids = list(task_ids)
        if not ids or not self._table_exists():
            return {}
        query = sqlalchemy.text("SELECT task_id, status, result, traceback FROM celery_taskmeta "
                                "WHERE task_id = ANY(:ids)")
        with self._engine.connect() as conn:
            return {r.task_id: TaskRow(r.task_id, r.status, decode_result(r.result), r.traceback)
                    for r in conn.execute(query, {"ids": ids})}

    def _table_exists(self) -> bool:
        return sqlalchemy.inspect(self._engine).has_table("celery_taskmeta")
