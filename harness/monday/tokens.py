"""Token minting and checking: JWT access/refresh tokens, PKCE and secret-free fingerprints.

Monday's OAuth 2.1 tokens are JWTs whose expiry is read from ``exp``; legacy tokens never expire.
The emulator signs all of them with a per-instance key and keeps a :class:`TokenRecord` per ``jti``
so that revocation and refresh-token rotation can be enforced.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from typing import Any

import jwt

from harness.monday.config import KNOWN_SCOPES
from harness.monday.state import EmulatorState, TokenFlow, TokenKind, TokenRecord

_ALGORITHM = "HS256"
_PKCE_VERIFIER = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")
_PKCE_CHALLENGE = re.compile(r"^[A-Za-z0-9\-_]{43}$")


def fingerprint(secret: str) -> str:
    """A short, non-reversible tag for a token or code, safe to log."""
    return "sha256:" + hashlib.sha256(secret.encode()).hexdigest()[:12]


def new_secret() -> str:
    """A fresh random value for codes and grant ids."""
    return secrets.token_urlsafe(24)


def s256_challenge(verifier: str) -> str:
    """The PKCE S256 challenge of ``verifier`` (RFC 7636 §4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def valid_challenge(challenge: str) -> bool:
    """Whether ``challenge`` looks like a base64url SHA-256 digest."""
    return bool(_PKCE_CHALLENGE.match(challenge))


def verifier_matches(verifier: str, challenge: str) -> bool:
    """Whether ``verifier`` is well formed and hashes to ``challenge``."""
    if not _PKCE_VERIFIER.match(verifier):
        return False
    return hmac.compare_digest(s256_challenge(verifier), challenge)


def issue_token(
    state: EmulatorState,
    kind: TokenKind,
    flow: TokenFlow,
    client_id: str,
    scopes: frozenset[str],
    grant_id: str,
) -> str:
    """Mint a token, record it, and return the encoded JWT."""
    now = state.now()
    record = TokenRecord(
        jti=new_secret(),
        kind=kind,
        flow=flow,
        client_id=client_id,
        scopes=scopes,
        grant_id=grant_id,
        issued_at=now,
        expires_at=_expiry(state, kind, flow, now),
    )
    state.tokens[record.jti] = record
    return jwt.encode(_claims(state, record, client_id), state.jwt_key, algorithm=_ALGORITHM)


def _expiry(state: EmulatorState, kind: TokenKind, flow: TokenFlow, now: float) -> float | None:
    if flow != "oauth2.1":
        return None
    ttl = state.config.tokens
    return now + (ttl.access_ttl_s if kind == "access" else ttl.refresh_ttl_s)


def _claims(state: EmulatorState, record: TokenRecord, client_id: str) -> dict[str, Any]:
    client = state.config.client(client_id)
    user = state.config.user
    claims: dict[str, Any] = {
        "jti": record.jti,
        "typ": record.kind,
        "uid": int(user.user_id) if user.user_id.isdigit() else user.user_id,
        "actid": int(user.account_id) if user.account_id.isdigit() else user.account_id,
        "aai": client.app_id if client else None,
        "per": " ".join(sorted(record.scopes)),
        "iat": int(record.issued_at),
    }
    if record.expires_at is not None:
        claims["exp"] = int(record.expires_at)
    return claims


def lookup_token(state: EmulatorState, token: str, kind: TokenKind) -> TokenRecord | None:
    """The record of a token this emulator minted, if the signature and kind check out.

    The record is returned even when revoked, rotated or expired; callers decide with
    :meth:`TokenRecord.usable`. The ``exp`` claim is checked against the emulator clock there.
    """
    try:
        # Time claims are checked against the emulator clock (TokenRecord.usable), not the wall clock.
        claims = jwt.decode(
            token,
            state.jwt_key,
            algorithms=[_ALGORITHM],
            options={"verify_exp": False, "verify_iat": False, "verify_nbf": False},
        )
    except jwt.PyJWTError:
        return None
    record = state.tokens.get(str(claims.get("jti")))
    if record is None or record.kind != kind or claims.get("typ") != kind:
        return None
    return record


def personal_token_record(state: EmulatorState, token: str) -> TokenRecord | None:
    """A synthetic record for a configured personal API token (every scope, never expires)."""
    if not any(hmac.compare_digest(token, known) for known in state.config.personal_tokens):
        return None
    return TokenRecord(
        jti=fingerprint(token),
        kind="access",
        flow="personal",
        client_id=None,
        scopes=KNOWN_SCOPES,
        grant_id="personal",
        issued_at=0.0,
        expires_at=None,
    )
