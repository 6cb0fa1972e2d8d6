"""Celery's PostgreSQL result backend: the ``celery_taskmeta`` table."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy

from harness.services.base import Database


@dataclass(frozen=True)
class TaskRow:
    task_id: str
    status: str
    date_done: object


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
        query = sqlalchemy.text("SELECT task_id, status, date_done FROM celery_taskmeta "
                                "WHERE task_id = ANY(:ids)")
        with self._engine.connect() as conn:
            return {r.task_id: TaskRow(r.task_id, r.status, r.date_done)
                    for r in conn.execute(query, {"ids": ids})}

    def _table_exists(self) -> bool:
        return sqlalchemy.inspect(self._engine).has_table("celery_taskmeta")
