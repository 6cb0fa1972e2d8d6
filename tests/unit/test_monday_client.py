"""The reference target's Monday client against the emulator served on a port: OAuth 2.1 with PKCE,
Retry-After, refresh on an expired token; and the emulator's fault endpoints and scope log it relies on."""

from __future__ import annotations

import importlib
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from harness.monday import ClientConfig, EmulatorConfig, serve_emulator

BUNDLED = Path(__file__).resolve().parents[2] / "harness" / "targets"
CLIENT = ClientConfig(client_id="app-1", client_secret="client-secret-1", signing_secret="signing-1")
BOARD = "987654321"


def monday_client() -> ModuleType:
    if str(BUNDLED) not in sys.path:
        sys.path.insert(0, str(BUNDLED))
    return importlib.import_module("monday_client")


@pytest.fixture(scope="module")
def emulator() -> Iterator[str]:
    with serve_emulator(EmulatorConfig(clients=(CLIENT,), board_id=BOARD)) as url:
        yield url


@pytest.fixture
def client(emulator: str) -> Any:
    httpx.post(f"{emulator}/_emulator/reset").raise_for_status()
    env = {"MONDAY_API_URL": f"{emulator}/v2", "MONDAY_AUTH_URL": emulator, "MONDAY_CLIENT_ID": CLIENT.client_id,
           "MONDAY_CLIENT_KEY": CLIENT.client_secret}
    return monday_client().MondayClient(env)


def calls(emulator: str, kind: str | None = None) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = httpx.get(f"{emulator}/_emulator/calls").json()["calls"]
    return [c for c in found if kind is None or c["kind"] == kind]


def item(emulator: str, item_id: str) -> dict[str, Any]:
    board: dict[str, Any] = httpx.get(f"{emulator}/_emulator/board").json()["boards"][BOARD]["items"][item_id]
    return board


def test_pkce_authorization_then_board_changes(client: Any, emulator: str) -> None:
    client.change_status(BOARD, "11", "status", "Working on it")
    client.create_update("11", "picked up")
    written = item(emulator, "11")
    assert written["column_values"]["status"]["text"] == "Working on it"
    assert [u["body"] for u in written["updates"]] == ["picked up"]
    authorize, token = calls(emulator, "authorize")[0], calls(emulator, "token")[0]
    assert set(authorize["requested_scopes"]) == {"me:read", "boards:read", "boards:write", "updates:write"}
    assert (token["path"], token["grant"], token["status"]) == ("/oauth_ms/oauth/token", "authorization_code", 200)


def test_retry_after_is_honoured(client: Any, emulator: str) -> None:
    client.token()
    httpx.post(f"{emulator}/_emulator/throttle", json={"requests": 1, "retry_after": 1}).raise_for_status()
    started = time.monotonic()
    client.create_update("12", "after a 429")
    graphql = calls(emulator, "graphql")
    assert [c["status"] for c in graphql] == [429, 200]
    assert graphql[1]["timestamp"] - graphql[0]["timestamp"] >= 0.95 and time.monotonic() - started >= 0.95


def test_expired_access_token_is_refreshed_and_rotates(client: Any, emulator: str) -> None:
    client.create_update("13", "first")
    assert httpx.post(f"{emulator}/_emulator/expire").json()["expired"] == 1
    client.create_update("13", "second")
    assert [c["status"] for c in calls(emulator, "graphql")] == [200, 401, 200]
    assert [c["grant"] for c in calls(emulator, "token")] == ["authorization_code", "refresh_token"]
    assert len(item(emulator, "13")["updates"]) == 2


def test_client_credentials_is_refused_and_its_scopes_are_logged(emulator: str) -> None:
    body = {"client_id": CLIENT.client_id, "client_secret": CLIENT.client_secret, "grant_type": "client_credentials",
            "scope": "boards:read boards:write items:read items:write"}
    answer = httpx.post(f"{emulator}/oauth2/token", json=body)
    assert answer.status_code == 400 and answer.json()["error"] == "unsupported_grant_type"
    logged = calls(emulator, "token")[-1]
    assert logged["grant"] == "client_credentials" and "items:write" in logged["requested_scopes"]
    assert CLIENT.client_secret not in str(calls(emulator))
