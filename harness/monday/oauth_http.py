"""HTTP plumbing shared by the OAuth endpoints: request parameters, error bodies, redirects.

Token-endpoint errors use the RFC 6749 §5.2 shape, ``{"error": ..., "error_description": ...}``.
Authorization errors travel back to the redirect URI as ``error``, ``error_description`` and
``state`` query parameters (RFC 6749 §4.1.2.1), with the codes Monday documents.
"""

from __future__ import annotations

import base64
import binascii
import json
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse

# HTTP status Monday documents for each authorization error code.
AUTHORIZE_ERROR_STATUS = {
    "invalid_request": 400,
    "unauthorized_client": 403,
    "access_denied": 403,
    "invalid_scope": 403,
    "server_error": 500,
    "temporarily_unavailable": 500,
}

# HTTP status of token-endpoint errors (RFC 6749 §5.2).
TOKEN_ERROR_STATUS = {
    "invalid_request": 400,
    "invalid_client": 401,
    "invalid_grant": 400,
    "unauthorized_client": 400,
    "unsupported_grant_type": 400,
    "invalid_scope": 400,
}


class OAuthError(Exception):
    """An OAuth error with its RFC 6749 code and a secret-free description."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description

    def token_response(self) -> JSONResponse:
        """The JSON error body a token or revoke endpoint returns."""
        status = TOKEN_ERROR_STATUS.get(self.error, 400)
        headers = {"Cache-Control": "no-store"}
        if status == 401:
            headers["WWW-Authenticate"] = 'Basic realm="monday"'
        body = {"error": self.error, "error_description": self.description}
        return JSONResponse(body, status_code=status, headers=headers)

    def direct_response(self) -> JSONResponse:
        """The error shown to the user when the redirect URI cannot be trusted."""
        status = AUTHORIZE_ERROR_STATUS.get(self.error, 400)
        return JSONResponse({"error": self.error, "error_description": self.description}, status)


async def request_params(request: Request) -> dict[str, str]:
    """Body parameters of a POST, form-encoded or JSON, plus HTTP Basic client credentials."""
    raw = await request.body()
    params = _parse_body(raw, request.headers.get("content-type", ""))
    params.update({k: v for k, v in _basic_credentials(request).items() if k not in params})
    return params


def _parse_body(raw: bytes, content_type: str) -> dict[str, str]:
    if not raw.strip():
        return {}
    if "json" in content_type or raw.lstrip().startswith(b"{"):
        try:
            loaded = json.loads(raw)
        except ValueError as exc:
            raise OAuthError("invalid_request", "the request body is not valid JSON") from exc
        if not isinstance(loaded, dict):
            raise OAuthError("invalid_request", "the request body must be a JSON object")
        return {str(k): str(v) for k, v in loaded.items() if v is not None}
    pairs = parse_qsl(raw.decode("utf-8", errors="replace"), keep_blank_values=True)
    return dict(pairs)


def _basic_credentials(request: Request) -> dict[str, str]:
    header = request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return {}
    try:
        decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return {}
    client_id, sep, client_secret = decoded.partition(":")
    return {"client_id": client_id, "client_secret": client_secret} if sep else {}


def redirect_to(uri: str, params: dict[str, str]) -> RedirectResponse:
    """A 302 to ``uri`` with ``params`` added to its query string."""
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return RedirectResponse(urlunsplit(parts._replace(query=urlencode(query))), status_code=302)


def require(params: dict[str, str], *names: str) -> None:
    """Raise ``invalid_request`` naming the first missing parameter."""
    missing = [name for name in names if not params.get(name)]
    if missing:
        raise OAuthError("invalid_request", f"missing required parameter: {missing[0]}")
