"""PostgreSQL faults: the server stopped and started (where the back-end runs it), or the run's own
database made unreachable for a few seconds (any back-end: it is the run's database, not the server)."""

from __future__ import annotations

import time

import sqlalchemy

from harness.endpoints import Database
from harness.faults.base import FaultContext, pause
from harness.session import Session

TERMINATE = sqlalchemy.text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                            "WHERE datname = :name AND pid <> pg_backend_pid()")


def _server(database: Database) -> sqlalchemy.Engine:
    return sqlalchemy.create_engine(database.with_name("postgres").url, isolation_level="AUTOCOMMIT",
                                    connect_args={"connect_timeout": 5})


def allow_connections(database: Database, allowed: bool) -> int:
    """Let the run's database take connections, or refuse them and end the open ones (their count)."""
    engine = _server(database)
    try:
        with engine.connect() as conn:
            flag = "true" if allowed else "false"
            conn.exec_driver_sql(f'ALTER DATABASE "{database.name}" ALLOW_CONNECTIONS {flag}')
            return 0 if allowed else int(conn.execute(TERMINATE, {"name": database.name}).scalar() or 0)
    finally:
        engine.dispose()


class DatabaseUnreachable:
    name = "database_unreachable"
    title = "PostgreSQL unreachable for a few seconds"

    def unavailable(self, session: Session) -> str | None:
        engine = _server(session.services.database)
        try:
            with engine.connect() as conn:
                superuser = conn.exec_driver_sql("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").scalar()
        except sqlalchemy.exc.SQLAlchemyError as exc:
            return f"cannot reach the PostgreSQL server's postgres database ({type(exc).__name__})"
        finally:
            engine.dispose()
        return None if superuser else "ending other sessions needs a PostgreSQL superuser"

    def inject(self, context: FaultContext) -> None:
        started, database = time.time(), context.session.services.database
        try:
            ended = allow_connections(database, False)
            pause(context.plan.outage_s)
        finally:
            allow_connections(database, True)
        context.session.results.close()  # the harness's own pool held connections that were ended
        context.record(self.name, started, f"database {database.name} refused connections for "
                                           f"{time.time() - started:.1f} s; {ended} open sessions were ended")


class DatabaseRestart:
    name = "database_restart"
    title = "PostgreSQL stopped and started"

    def unavailable(self, session: Session) -> str | None:
        controls = session.services.controls
        return None if controls.database is not None else controls.why_not

    def inject(self, context: FaultContext) -> None:
        control = context.session.services.controls.database
        assert control is not None
        started = time.time()
        try:
            control.stop()
            pause(context.plan.outage_s)
        finally:
            control.start()
        context.session.results.close()
        context.record(self.name, started, f"{control.how}; down {time.time() - started:.1f} s")
