"""RabbitMQ management HTTP API: queues, bindings, vhosts, policies."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx

from harness import tls
from harness.errors import ServiceUnavailable
from harness.redact import mask_url_passwords

REPLICATED = ("quorum", "stream")  # queue types replicated over a cluster's nodes


def placement(queue: Mapping[str, Any]) -> str:
    """Where a queue lives, as ``/api/queues`` says: a quorum queue's leader and members, a classic one's node."""
    kind = str(queue.get("type") or "classic")
    if kind in REPLICATED:
        members, online = list(queue.get("members") or []), list(queue.get("online") or [])
        return (f"{kind}, leader {queue.get('leader') or 'none'}, members {', '.join(members) or 'none'} "
                f"(online: {', '.join(online) or 'none'})")
    return f"{kind}, on {queue.get('node') or 'an unknown node'} only"


def _q(name: str) -> str:
    return quote(name, safe="")


class Management:
    """A small client for the endpoints the harness uses."""

    def __init__(self, base_url: str, user: str, password: str, timeout_s: float = 10.0) -> None:
        self._client = httpx.Client(base_url=base_url.rstrip("/") + "/api", auth=(user, password),
                                    timeout=timeout_s, verify=tls.context())

    def __enter__(self) -> Management:
        return self

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            reason = mask_url_passwords(str(exc)) or type(exc).__name__
            raise ServiceUnavailable(f"RabbitMQ management API unreachable: {reason}") from None
        if response.status_code == 401:
            raise ServiceUnavailable("RabbitMQ management API refused the credentials (401)")
        return response

    def _get(self, path: str) -> Any:
        response = self._request("GET", path)
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return response.json()

    def overview(self) -> dict[str, Any]:
        return dict(self._get("/overview") or {})

    def nodes(self) -> list[dict[str, Any]]:
        """The cluster's nodes (one entry on a single node): name, running, partitions."""
        return list(self._get("/nodes") or [])

    def vhosts(self) -> list[str]:
        return [v["name"] for v in self._get("/vhosts") or []]

    def create_vhost(self, vhost: str, user: str) -> None:
        self._request("PUT", f"/vhosts/{_q(vhost)}", json={}).raise_for_status()
        perms = {"configure": ".*", "write": ".*", "read": ".*"}
        self._request("PUT", f"/permissions/{_q(vhost)}/{_q(user)}", json=perms).raise_for_status()

    def delete_vhost(self, vhost: str) -> None:
        response = self._request("DELETE", f"/vhosts/{_q(vhost)}")
        if response.status_code != 404:
            response.raise_for_status()

    def set_policy(self, vhost: str, name: str, pattern: str, definition: dict[str, Any],
                   apply_to: str = "exchanges", priority: int = 0) -> None:
        body = {"pattern": pattern, "definition": definition, "apply-to": apply_to, "priority": priority}
        self._request("PUT", f"/policies/{_q(vhost)}/{_q(name)}", json=body).raise_for_status()

    def queues(self, vhost: str) -> list[dict[str, Any]]:
        return list(self._get(f"/queues/{_q(vhost)}") or [])

    def queue(self, vhost: str, name: str) -> dict[str, Any] | None:
        found = self._get(f"/queues/{_q(vhost)}/{_q(name)}")
        return dict(found) if found else None

    def purge(self, vhost: str, queue: str) -> None:
        response = self._request("DELETE", f"/queues/{_q(vhost)}/{_q(queue)}/contents")
        if response.status_code != 404:
            response.raise_for_status()

    def exchanges(self, vhost: str) -> list[dict[str, Any]]:
        return list(self._get(f"/exchanges/{_q(vhost)}") or [])

    def exchange(self, vhost: str, name: str) -> dict[str, Any] | None:
        found = self._get(f"/exchanges/{_q(vhost)}/{_q(name)}")
        return dict(found) if found else None

    def bindings_from(self, vhost: str, exchange: str) -> list[dict[str, Any]]:
        """Bindings whose source is ``exchange`` (queue and exchange destinations)."""
        return list(self._get(f"/exchanges/{_q(vhost)}/{_q(exchange)}/bindings/source") or [])

    def connections(self, vhost: str) -> list[dict[str, Any]]:
        return list(self._get(f"/vhosts/{_q(vhost)}/connections") or [])
