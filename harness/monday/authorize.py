"""``GET /oauth2/authorize``: the consent step, approved (or denied) without a browser.

Errors about the client or its redirect URI are shown directly, because redirecting to an
unverified URI would be an open redirect (RFC 6749 §4.1.2.1). Every other error goes back to the
redirect URI with ``error``, ``error_description`` and ``state``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from starlette.responses import Response

from harness.monday.config import KNOWN_SCOPES, ClientConfig
from harness.monday.oauth_http import OAuthError, redirect_to
from harness.monday.state import AuthCode, EmulatorState
from harness.monday.tokens import fingerprint, new_secret, valid_challenge


@dataclass(frozen=True)
class AuthorizeResult:
    """The response and what the call log records about it."""

    response: Response
    client_id: str | None
    scopes: frozenset[str]
    error: str | None = None


def authorize(state: EmulatorState, query: Mapping[str, str]) -> AuthorizeResult:
    """Handle one authorization request."""
    try:
        client, redirect_uri = _client_and_redirect(state, query)
    except OAuthError as exc:
        return AuthorizeResult(exc.direct_response(), query.get("client_id"), frozenset(), exc.error)
    extra = {"state": query["state"]} if "state" in query else {}
    try:
        scopes = _approve(state, client, query)
    except OAuthError as exc:
        params = {"error": exc.error, "error_description": exc.description, **extra}
        return AuthorizeResult(redirect_to(redirect_uri, params), client.client_id, frozenset(), exc.error)
    code = _issue_code(state, client, redirect_uri, scopes, query)
    return AuthorizeResult(redirect_to(redirect_uri, {"code": code, **extra}), client.client_id, scopes)


def _client_and_redirect(state: EmulatorState, query: Mapping[str, str]) -> tuple[ClientConfig, str]:
    client_id = query.get("client_id", "")
    if not client_id:
        raise OAuthError("invalid_request", "missing required parameter: client_id")
    client = state.config.client(client_id)
    if client is None:
        raise OAuthError("unauthorized_client", "unknown client_id")
    redirect_uri = query.get("redirect_uri") or client.redirect_uris[0]
    if redirect_uri not in client.redirect_uris:
        raise OAuthError("invalid_request", "redirect_uri is not registered for this app")
    return client, redirect_uri


def _approve(state: EmulatorState, client: ClientConfig, query: Mapping[str, str]) -> frozenset[str]:
    response_type = query.get("response_type", "code")
    if response_type != "code":
        raise OAuthError("invalid_request", f"unsupported response_type {response_type!r}")
    _check_pkce_request(query)
    scopes = requested_scopes(client, query.get("scope"))
    if not state.config.auto_approve:
        raise OAuthError("access_denied", "the user declined to authorize the app")
    return scopes


def _check_pkce_request(query: Mapping[str, str]) -> None:
    challenge = query.get("code_challenge")
    method = query.get("code_challenge_method")
    if challenge is None:
        if method is not None:
            raise OAuthError("invalid_request", "code_challenge_method without code_challenge")
        return
    if method != "S256":
        raise OAuthError("invalid_request", "code_challenge_method must be S256 (plain is not allowed)")
    if not valid_challenge(challenge):
        raise OAuthError("invalid_request", "code_challenge must be a base64url SHA-256 digest")


def requested_scopes(client: ClientConfig, scope: str | None) -> frozenset[str]:
    """The scopes to grant: those asked for, which must exist and be configured on the app."""
    if not scope or not scope.strip():
        return client.scopes
    requested = frozenset(scope.split())
    unknown = sorted(requested - KNOWN_SCOPES)
    if unknown:
        raise OAuthError("invalid_scope", f"unknown scope(s): {' '.join(unknown)}")
    unconfigured = sorted(requested - client.scopes)
    if unconfigured:
        raise OAuthError("invalid_scope", f"scope(s) not configured on the app: {' '.join(unconfigured)}")
    return requested


def _issue_code(
    state: EmulatorState,
    client: ClientConfig,
    redirect_uri: str,
    scopes: frozenset[str],
    query: Mapping[str, str],
) -> str:
    code = new_secret()
    state.codes[fingerprint(code)] = AuthCode(
        client_id=client.client_id,
        redirect_uri=redirect_uri,
        redirect_uri_sent="redirect_uri" in query,
        scopes=scopes,
        code_challenge=query.get("code_challenge"),
        issued_at=state.now(),
        grant_id=new_secret(),
    )
    return code
