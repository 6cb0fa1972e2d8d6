"""A Monday.com emulator: OAuth (legacy and 2.1), the GraphQL API v2 and a board, as an ASGI app.

It mirrors the Monday behaviours the AI-Agent service depends on, so the harness can check what a
target does with OAuth and the board without real credentials:

- ``GET /oauth2/authorize`` (auto-approved, or denied by configuration), codes valid 10 minutes;
- ``POST /oauth2/token`` (legacy, non-expiring tokens; ``client_credentials`` is refused);
- ``POST /oauth_ms/oauth/token`` (OAuth 2.1: PKCE S256, JWT tokens with ``exp``, rotating refresh
  tokens) and ``POST /oauth_ms/oauth/revoke``;
- ``POST /v2`` (``me``, ``change_column_value``, ``change_simple_column_value``, ``create_update``
  with scope checks, ``API-Version``, minute limit and complexity budget);
- ``/_emulator/calls``, ``/_emulator/board``, ``/_emulator/reset`` for assertions.

Use :func:`create_app` in-process (e.g. with ``httpx.ASGITransport``) or :func:`serve_emulator` to
get a base URL served by uvicorn in a background thread.
"""

from harness.monday.app import create_app, emulator_state
from harness.monday.config import (
    KNOWN_SCOPES,
    ClientConfig,
    EmulatorConfig,
    ItemSeed,
    LimitConfig,
    TokenConfig,
    UserConfig,
)
from harness.monday.server import serve_emulator
from harness.monday.state import EmulatorState
from harness.monday.tokens import fingerprint, s256_challenge

__all__ = [
    "KNOWN_SCOPES",
    "ClientConfig",
    "EmulatorConfig",
    "EmulatorState",
    "ItemSeed",
    "LimitConfig",
    "TokenConfig",
    "UserConfig",
    "create_app",
    "emulator_state",
    "fingerprint",
    "s256_challenge",
    "serve_emulator",
]
