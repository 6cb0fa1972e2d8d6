"""External back-end: servers the user names (a staging cluster, or a CI machine's own services)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import SplitResult, unquote, urlsplit

import sqlalchemy

from harness.config import ServiceSettings
from harness.endpoints import Broker, Database
from harness.errors import ServiceUnavailable
from harness.probes.management import Management
from harness.redact import mask_url_passwords
from harness.services.base import Controls, Services, database_error_line

DEFAULT_BROKER_URL = "amqp://guest:guest@127.0.0.1:5672/"
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def broker_from_url(amqp_url: str, management_url: str | None) -> Broker:
    """One node's URL, or a cluster's: several separated by ``;`` as Celery takes them (the target fails over
    along the list; the harness talks to the first node and its management API)."""
    nodes = [_node(url) for url in amqp_url.split(";") if url.strip()]
    if not nodes:
        raise ServiceUnavailable("broker URL is empty: give amqp://user:password@host:port/vhost")
    if len({(n.username, n.password) for n in nodes}) > 1:
        raise ServiceUnavailable("the broker URLs name different users: give every node the same user and password "
                                 "(the run's vhost is granted to one user)")
    first = nodes[0]
    host = str(first.hostname)
    cluster = tuple((str(n.hostname), n.port or 5672) for n in nodes) if len(nodes) > 1 else ()
    return Broker(host, first.port or 5672, unquote(first.username or "guest"), unquote(first.password or "guest"),
                  management_url=management_url or f"http://{host}:15672", cluster_nodes=cluster)


def _node(url: str) -> SplitResult:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("amqp", "pyamqp") or not parts.hostname:
        raise ServiceUnavailable(f"broker URL must be amqp://user:password@host:port/vhost, got "
                                 f"{mask_url_passwords(url.strip())!r}")
    return parts


class ExternalBackend:
    """Connects to existing servers; starts and stops nothing but what each run declares."""

    name = "external"

    def __init__(self, settings: ServiceSettings) -> None:
        self.broker = broker_from_url(settings.broker_url or DEFAULT_BROKER_URL, settings.management_url)
        self.database = Database(settings.database_url or DEFAULT_DATABASE_URL)

    def availability(self) -> tuple[bool, str]:
        try:
            self._check_broker()
            self._check_database()
        except ServiceUnavailable as exc:
            return False, str(exc)
        return True, f"broker {self.broker.host}:{self.broker.port} and database answer"

    def _check_broker(self) -> None:
        with Management(self.broker.management_url, self.broker.user, self.broker.password, 3) as api:
            api.overview()

    def _check_database(self) -> None:
        engine = sqlalchemy.create_engine(self.database.url, connect_args={"connect_timeout": 3})
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
        except sqlalchemy.exc.SQLAlchemyError as exc:
            raise ServiceUnavailable(f"PostgreSQL unreachable: {database_error_line(exc)}") from None
        finally:
            engine.dispose()

    @contextmanager
    def provide(self) -> Iterator[Services]:
        self._check_broker()
        self._check_database()
        yield Services("external", self.broker, self.database,
                       Controls(why_not="the external back-end never stops servers it did not start"))
