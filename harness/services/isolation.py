"""Per-run isolation: each run gets its own vhost and database, removed afterwards."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import sqlalchemy

from harness.errors import ServiceUnavailable
from harness.probes.management import Management
from harness.services.base import Services, database_error_line

RUN_PREFIX = "harness-"
_SAFE = re.compile(r"^[a-z0-9_]+$")


def management_of(services: Services) -> Management:
    broker = services.broker
    return Management(broker.management_url, broker.user, broker.password)


@contextmanager
def isolated(services: Services, run_id: str) -> Iterator[Services]:
    """A view of ``services`` confined to a fresh vhost and database named after the run."""
    vhost, dbname = f"{RUN_PREFIX}{run_id}", f"harness_{run_id.replace('-', '_')}"
    with management_of(services) as api:
        api.create_vhost(vhost, services.broker.user)
        try:
            with _database(services, dbname):
                yield replace(services, broker=services.broker.in_vhost(vhost),
                              database=services.database.with_name(dbname))
        finally:
            api.delete_vhost(vhost)


@contextmanager
def _database(services: Services, dbname: str) -> Iterator[None]:
    if not _SAFE.match(dbname):
        raise ServiceUnavailable(f"unsafe database name {dbname!r}")
    # pre-ping: the server may have been restarted since CREATE (a fault), leaving a dead pooled connection
    engine = sqlalchemy.create_engine(services.database.url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    try:
        _execute(engine, f'CREATE DATABASE "{dbname}"')
        yield
    finally:
        _execute(engine, f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        engine.dispose()


def _execute(engine: sqlalchemy.Engine, statement: str) -> None:
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(statement)
    except sqlalchemy.exc.SQLAlchemyError as exc:
        raise ServiceUnavailable(f"PostgreSQL refused {statement.split()[0]}: {database_error_line(exc)}") from None
