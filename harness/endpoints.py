"""Where the servers a run uses are, as values: a RabbitMQ node, a PostgreSQL database, a Redis database.

Every layer passes these around; only :mod:`harness.services` starts or finds the servers they name,
and :mod:`harness.probes` reads them. They hold addresses and credentials, nothing that connects.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit, urlunsplit

if TYPE_CHECKING:
    import redis


@dataclass(frozen=True)
class Broker:
    """A RabbitMQ node: AMQP endpoint plus its management API."""

    host: str
    port: int
    user: str
    password: str = field(repr=False)
    management_url: str = ""
    vhost: str = "/"
    cluster_nodes: tuple[tuple[str, int], ...] = ()  # a cluster: every node's (host, AMQP port), as clients try them

    @property
    def amqp_url(self) -> str:
        return self.url_at(self.host, self.port)

    def url_at(self, host: str, port: int) -> str:
        vhost = quote(self.vhost, safe="")
        return f"amqp://{quote(self.user, safe='')}:{quote(self.password, safe='')}@{host}:{port}/{vhost}"

    @property
    def first_node(self) -> tuple[str, int]:
        """The node a client tries first: the first of a cluster's list, else the one node."""
        return self.cluster_nodes[0] if self.cluster_nodes else (self.host, self.port)

    @property
    def failover_url(self) -> str:
        """Every node's URL separated by ``;`` (Celery and kombu fail over along it); one node: its URL."""
        return ";".join(self.url_at(*node) for node in self.cluster_nodes) if self.cluster_nodes else self.amqp_url

    def in_vhost(self, vhost: str) -> Broker:
        return replace(self, vhost=vhost)


@dataclass(frozen=True)
class Database:
    """A PostgreSQL server and one database on it."""

    url: str = field(repr=False)  # postgresql://user[:password]@host:port/dbname

    @property
    def name(self) -> str:
        return urlsplit(self.url).path.lstrip("/")

    def with_name(self, name: str) -> Database:
        parts = urlsplit(self.url)
        return Database(urlunsplit(parts._replace(path=f"/{name}")))

    @property
    def celery_backend_url(self) -> str:
        """Celery's result-backend URL for this database (``db+postgresql://``)."""
        return "db+" + self.url.replace("postgresql+psycopg2://", "postgresql://", 1)


@dataclass(frozen=True)
class RedisServer:
    """One Redis logical database a run uses as its Celery broker."""

    url: str = field(repr=False)  # redis://[:password@]host:port/db
    backend: str = "external"

    @property
    def db(self) -> int:
        path = urlsplit(self.url).path.lstrip("/")
        return int(path) if path.isdigit() else 0

    def in_db(self, db: int) -> RedisServer:
        return RedisServer(urlunsplit(urlsplit(self.url)._replace(path=f"/{db}")), self.backend)

    def client(self) -> redis.Redis:
        """A client of this database (redis-py is imported here, by those who talk to Redis)."""
        import redis

        return redis.Redis.from_url(self.url, socket_timeout=5, socket_connect_timeout=3)
