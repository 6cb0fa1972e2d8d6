"""Token-endpoint logic: code exchange (legacy and OAuth 2.1), refresh rotation and revocation.

Each function takes the request parameters, mutates the :class:`EmulatorState` and either returns a
:class:`TokenGrant` or raises :class:`OAuthError`. HTTP concerns live in :mod:`oauth_routes`.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from harness.monday.config import ClientConfig
from harness.monday.oauth_http import OAuthError, require
from harness.monday.state import AuthCode, EmulatorState, TokenKind, TokenRecord
from harness.monday.tokens import fingerprint, issue_token, lookup_token, verifier_matches


def _unsupported(grant: str, supported: str) -> OAuthError:
    hint = " Monday apps get user tokens through /oauth2/authorize." if grant == "client_credentials" else ""
    return OAuthError(
        "unsupported_grant_type", f"grant_type {grant} is not supported (use {supported}).{hint}"
    )


@dataclass(frozen=True)
class TokenGrant:
    """A successful token response and what the call log needs to know about it."""

    body: dict[str, str]
    client_id: str
    scopes: frozenset[str]


def legacy_token(state: EmulatorState, params: dict[str, str]) -> TokenGrant:
    """``POST /oauth2/token``: exchange a code for a token that never expires."""
    grant = params.get("grant_type", "authorization_code")
    if grant != "authorization_code":
        raise _unsupported(grant, "authorization_code")
    client = authenticate_client(state, params)
    code = consume_code(state, client, params, pkce_required=False)
    token = issue_token(state, "access", "legacy", client.client_id, code.scopes, code.grant_id)
    body = {"access_token": token, "token_type": "Bearer", "scope": scope_string(code.scopes)}
    return TokenGrant(body, client.client_id, code.scopes)


def oauth21_token(state: EmulatorState, params: dict[str, str]) -> TokenGrant:
    """``POST /oauth_ms/oauth/token``: ``authorization_code`` (PKCE) or ``refresh_token`` (rotation)."""
    grant = params.get("grant_type", "")
    if not grant:
        raise OAuthError("invalid_request", "missing required parameter: grant_type")
    if grant == "authorization_code":
        return _exchange_code(state, params)
    if grant == "refresh_token":
        return _refresh(state, params)
    raise _unsupported(grant, "authorization_code or refresh_token")


def _exchange_code(state: EmulatorState, params: dict[str, str]) -> TokenGrant:
    client = authenticate_client(state, params)
    code = consume_code(state, client, params, pkce_required=state.config.tokens.require_pkce)
    return _token_pair(state, client.client_id, code.scopes, code.grant_id)


def _refresh(state: EmulatorState, params: dict[str, str]) -> TokenGrant:
    client = authenticate_client(state, params)
    require(params, "refresh_token")
    record = lookup_token(state, params["refresh_token"], "refresh")
    _check_refresh(state, record, client)
    assert record is not None  # _check_refresh raised otherwise
    scopes = _narrowed_scopes(record.scopes, params.get("scope"))
    record.rotated = True
    return _token_pair(state, client.client_id, scopes, record.grant_id)


def _check_refresh(state: EmulatorState, record: TokenRecord | None, client: ClientConfig) -> None:
    if record is None or record.client_id != client.client_id:
        raise OAuthError("invalid_grant", "unknown refresh token, or issued to another client")
    if record.rotated:
        raise OAuthError("invalid_grant", "refresh token was already used; refresh tokens rotate")
    if record.revoked:
        raise OAuthError("invalid_grant", "refresh token was revoked")
    if not record.usable(state.now()):
        raise OAuthError("invalid_grant", "refresh token expired")


def _narrowed_scopes(granted: frozenset[str], requested: str | None) -> frozenset[str]:
    if not requested:
        return granted
    scopes = frozenset(requested.split())
    if not scopes <= granted:
        raise OAuthError("invalid_scope", "a refresh may only narrow the originally granted scopes")
    return scopes


def _token_pair(state: EmulatorState, client_id: str, scopes: frozenset[str], grant_id: str) -> TokenGrant:
    access = issue_token(state, "access", "oauth2.1", client_id, scopes, grant_id)
    refresh = issue_token(state, "refresh", "oauth2.1", client_id, scopes, grant_id)
    body = {
        "access_token": access,
        "refresh_token": refresh,
        "token_type": "Bearer",
        "scope": scope_string(scopes),
    }
    if state.config.tokens.include_expires_in:
        body["expires_in"] = str(int(state.config.tokens.access_ttl_s))
    return TokenGrant(body, client_id, scopes)


def revoke(state: EmulatorState, params: dict[str, str]) -> str:
    """``POST /oauth_ms/oauth/revoke`` (RFC 7009). Returns the authenticated client id.

    Unknown tokens are not an error. Revoking a refresh token also revokes the access tokens of
    the same grant (RFC 7009 §2.1).
    """
    client = authenticate_client(state, params)
    require(params, "token")
    kinds: tuple[TokenKind, TokenKind] = ("access", "refresh")
    if params.get("token_type_hint") == "refresh_token":
        kinds = ("refresh", "access")
    for kind in kinds:
        record = lookup_token(state, params["token"], kind)
        if record is not None and record.client_id == client.client_id:
            record.revoked = True
            if kind == "refresh":
                state.revoke_grant(record.grant_id)
            break
    return client.client_id


def authenticate_client(state: EmulatorState, params: dict[str, str]) -> ClientConfig:
    """The registered client whose ``client_id``/``client_secret`` the request carries."""
    require(params, "client_id")
    client = state.config.client(params["client_id"])
    secret = params.get("client_secret", "")
    if client is None or not hmac.compare_digest(secret.encode(), client.client_secret.encode()):
        raise OAuthError("invalid_client", "client authentication failed")
    return client


def consume_code(
    state: EmulatorState, client: ClientConfig, params: dict[str, str], *, pkce_required: bool
) -> AuthCode:
    """Validate an authorization code for this client and mark it used (codes are single use)."""
    require(params, "code")
    code = state.codes.get(fingerprint(params["code"]))
    if code is None or code.client_id != client.client_id:
        raise OAuthError("invalid_grant", "unknown authorization code, or issued to another client")
    if code.used:
        state.revoke_grant(code.grant_id)
        raise OAuthError("invalid_grant", "authorization code was already used")
    if state.now() >= code.issued_at + state.config.tokens.code_ttl_s:
        raise OAuthError("invalid_grant", "authorization code expired (codes are valid 10 minutes)")
    _check_redirect_uri(code, params.get("redirect_uri"))
    _check_pkce(code, params.get("code_verifier"), pkce_required)
    code.used = True
    return code


def _check_redirect_uri(code: AuthCode, redirect_uri: str | None) -> None:
    if redirect_uri is None:
        if code.redirect_uri_sent:
            raise OAuthError("invalid_request", "missing required parameter: redirect_uri")
        return
    if redirect_uri != code.redirect_uri:
        raise OAuthError("invalid_grant", "redirect_uri does not match the authorization request")


def _check_pkce(code: AuthCode, verifier: str | None, required: bool) -> None:
    if code.code_challenge is None:
        if verifier:
            raise OAuthError("invalid_grant", "code_verifier sent, but the authorization had no challenge")
        if required:
            raise OAuthError("invalid_request", "PKCE is required: authorize with code_challenge (S256)")
        return
    if not verifier:
        raise OAuthError("invalid_request", "missing required parameter: code_verifier")
    if not verifier_matches(verifier, code.code_challenge):
        raise OAuthError("invalid_grant", "code_verifier does not match the code_challenge")


def scope_string(scopes: frozenset[str]) -> str:
    """Scopes as the space-separated string OAuth responses carry."""
    return " ".join(sorted(scopes))
