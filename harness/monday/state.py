"""The mutable state of one emulator instance: codes, tokens, boards and the call log.

One :class:`EmulatorState` belongs to one app (see :func:`harness.monday.app.create_app`); nothing is
shared between instances. Secrets are never stored in the call log: codes and tokens appear there
only as fingerprints.
"""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass, field
from typing import Any, Literal

from harness.monday.board import Board, seed_boards
from harness.monday.config import EmulatorConfig
from harness.monday.limits import FixedWindow, new_window

TokenKind = Literal["access", "refresh"]
TokenFlow = Literal["legacy", "oauth2.1", "personal"]


@dataclass
class AuthCode:
    """An authorization code issued by ``/oauth2/authorize`` (stored under its fingerprint)."""

    client_id: str
    redirect_uri: str
    redirect_uri_sent: bool
    scopes: frozenset[str]
    code_challenge: str | None
    issued_at: float
    grant_id: str
    used: bool = False


@dataclass
class TokenRecord:
    """What the emulator knows about an access or refresh token (keyed by the JWT ``jti``)."""

    jti: str
    kind: TokenKind
    flow: TokenFlow
    client_id: str | None
    scopes: frozenset[str]
    grant_id: str
    issued_at: float
    expires_at: float | None
    revoked: bool = False
    rotated: bool = False

    def usable(self, now: float) -> bool:
        """Neither revoked, rotated away, nor expired."""
        expired = self.expires_at is not None and now >= self.expires_at
        return not (self.revoked or self.rotated or expired)


@dataclass(frozen=True)
class CallRecord:
    """One request the emulator served. Holds no secret: tokens appear as fingerprints."""

    seq: int
    timestamp: float
    method: str
    path: str
    kind: str
    status: int
    grant: str | None = None
    operation: str | None = None
    fields: tuple[str, ...] = ()
    error: str | None = None
    scopes: tuple[str, ...] = ()
    client_id: str | None = None
    token: str | None = None
    api_version: str | None = None
    requested: tuple[str, ...] = ()  # scopes the request asked for (authorize and token calls), as sent

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "timestamp": self.timestamp,
            "method": self.method,
            "path": self.path,
            "kind": self.kind,
            "status": self.status,
            "grant": self.grant,
            "operation": self.operation,
            "fields": list(self.fields),
            "error": self.error,
            "scopes": list(self.scopes),
            "client_id": self.client_id,
            "token": self.token,
            "api_version": self.api_version,
            "requested_scopes": list(self.requested),
        }


@dataclass
class EmulatorState:
    """Run-time state of one emulator. ``reset`` returns it to its configured start."""

    config: EmulatorConfig
    jwt_key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    codes: dict[str, AuthCode] = field(default_factory=dict)
    tokens: dict[str, TokenRecord] = field(default_factory=dict)
    boards: dict[str, Board] = field(default_factory=dict)
    calls: list[CallRecord] = field(default_factory=list)
    rate_window: FixedWindow | None = None
    complexity_window: FixedWindow | None = None
    throttle_left: int = 0  # the next this-many /v2 calls get a 429 (set through /_emulator/throttle)
    throttle_retry_after: int = 1
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(900_000_001))

    def __post_init__(self) -> None:
        self.reset()

    def now(self) -> float:
        """The emulator's clock (epoch seconds)."""
        return self.config.clock()

    def next_id(self) -> str:
        """A fresh numeric id, as Monday uses for updates and items."""
        return str(next(self._ids))

    def reset(self) -> None:
        """Forget every code, token, call and board change; refill the rate limits."""
        limits = self.config.limits
        self.codes.clear()
        self.tokens.clear()
        self.calls.clear()
        self.boards = seed_boards(self.config, self.now())
        self.rate_window = new_window(limits.requests_per_window, limits.window_s)
        self.complexity_window = new_window(limits.complexity_budget, limits.complexity_window_s)
        self.throttle_left = 0

    def expire_access_tokens(self) -> int:
        """End the life of every usable OAuth 2.1 access token now (legacy tokens never expire)."""
        expired = [r for r in self.tokens.values() if r.kind == "access" and r.flow == "oauth2.1" and
                   r.usable(self.now())]
        for record in expired:
            record.expires_at = self.now()
        return len(expired)

    def record(self, **details: Any) -> CallRecord:
        """Append a call to the log and return it."""
        call = CallRecord(seq=len(self.calls) + 1, timestamp=self.now(), **details)
        self.calls.append(call)
        return call

    def revoke_grant(self, grant_id: str) -> None:
        """Revoke every token descending from one authorization grant."""
        for record in self.tokens.values():
            if record.grant_id == grant_id:
                record.revoked = True
