"""Signers and verifiers for the three webhook authentication schemes.

* ``hmac-hex``: the migration document's scheme.  ``X-Monday-Signature`` holds the hex
  HMAC-SHA256 of the raw body, keyed with ``WEBHOOK_SECRET``.
* ``jwt``: what real Monday sends for app webhooks.  ``Authorization`` holds a raw
  HS256 JWT (no ``Bearer`` prefix) signed with the app's Signing Secret.  It carries
  ``accountId``, ``userId``, ``aud`` (the endpoint URL), ``iat``, ``exp`` and
  ``shortLivedToken``.  It does not cover the body.
* ``agent``: Monday's external-agent feature.  ``x-monday-timestamp`` holds epoch
  milliseconds and ``x-monday-signature`` holds ``sha256=<hex HMAC of "<ts>.<body>">``.
* ``none``: webhooks created with a personal token carry no signature at all.

:class:`Signer` bundles a secret with a scheme so fixtures and Locust users can pass one object around
(its ``repr`` and ``str`` never show the secret); :func:`verify_headers` verifies straight from request headers.

Secrets never appear in return values other than signatures, in exception messages
or in reprs.  Verifiers compare in constant time and return ``False``; they never raise.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import jwt

__all__ = [
    "SCHEMES",
    "Signer",
    "SigningError",
    "sign_agent",
    "sign_hex_hmac",
    "sign_jwt",
    "signed_headers",
    "verify_agent",
    "verify_headers",
    "verify_hex_hmac",
    "verify_jwt",
]

CONTENT_TYPE = {"Content-Type": "application/json"}
DEFAULT_ACCOUNT_ID = 12_345_678
DEFAULT_USER_ID = 87_654_321
_REQUIRED_CLAIMS = ["exp", "iat", "aud", "accountId", "userId"]


class SigningError(ValueError):
    """A signature could not be produced (bad scheme, missing option, unusable secret)."""


def _key(secret: str) -> bytes:
    if not isinstance(secret, str):
        raise SigningError(f"secret must be a str, not {type(secret).__name__}")
    return secret.encode()


def _hex_hmac(secret: str, message: bytes) -> str:
    return hmac.new(_key(secret), message, hashlib.sha256).hexdigest()


def _same(expected: str, given: object) -> bool:
    if not isinstance(given, str):
        return False
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace"))


def sign_hex_hmac(body: bytes, secret: str) -> str:
    """Hex HMAC-SHA256 of the raw body (the value of ``X-Monday-Signature``)."""
    return _hex_hmac(secret, body)


def verify_hex_hmac(body: bytes, signature: str, secret: str) -> bool:
    """Whether ``signature`` is the hex HMAC-SHA256 of ``body`` (constant time)."""
    try:
        return _same(_hex_hmac(secret, body), signature)
    except SigningError:
        return False


def _short_lived_token(secret: str, account_id: int, user_id: int, iat: int) -> str:
    return "slt_" + _hex_hmac(secret, f"{account_id}:{user_id}:{iat}".encode())[:40]


def sign_jwt(
    secret: str,
    *,
    aud: str,
    account_id: int = DEFAULT_ACCOUNT_ID,
    user_id: int = DEFAULT_USER_ID,
    ttl_s: int = 300,
    now: float | None = None,
    short_lived_token: str | None = None,
) -> str:
    """An HS256 JWT as Monday puts in ``Authorization`` (valid ``ttl_s`` from ``now``)."""
    iat = int(time.time() if now is None else now)
    claims: dict[str, Any] = {
        "accountId": account_id,
        "userId": user_id,
        "aud": aud,
        "iat": iat,
        "exp": iat + ttl_s,
        "shortLivedToken": short_lived_token or _short_lived_token(secret, account_id, user_id, iat),
    }
    try:
        return jwt.encode(claims, _key(secret), algorithm="HS256")
    except jwt.PyJWTError as exc:
        raise SigningError(f"could not sign the JWT ({type(exc).__name__})") from None


def verify_jwt(token: str, secret: str, *, aud: str, leeway_s: float = 0.0) -> bool:
    """Whether ``token`` is an unexpired HS256 JWT for ``aud`` signed with ``secret``.

    A ``Bearer `` prefix is tolerated, though Monday sends none.
    """
    if not isinstance(token, str):
        return False
    raw = token.removeprefix("Bearer ").strip()
    try:
        jwt.decode(
            raw,
            _key(secret),
            algorithms=["HS256"],
            audience=aud,
            leeway=leeway_s,
            options={"require": _REQUIRED_CLAIMS},
        )
    except (jwt.PyJWTError, SigningError):
        return False
    return True


def _agent_message(body: bytes, timestamp: str) -> bytes:
    return timestamp.encode() + b"." + body


def sign_agent(body: bytes, secret: str, timestamp_ms: int | None = None) -> tuple[str, str]:
    """``(x-monday-timestamp, x-monday-signature)`` for the external-agent scheme."""
    stamp = str(int(time.time() * 1000) if timestamp_ms is None else timestamp_ms)
    return stamp, "sha256=" + _hex_hmac(secret, _agent_message(body, stamp))


def _fresh(timestamp: str, tolerance_s: float | None, now_ms: int | None) -> bool:
    if tolerance_s is None:
        return True
    current = int(time.time() * 1000) if now_ms is None else now_ms
    return abs(current - int(timestamp)) <= tolerance_s * 1000


def verify_agent(
    body: bytes,
    timestamp: str,
    signature: str,
    secret: str,
    *,
    tolerance_s: float | None = 300.0,
    now_ms: int | None = None,
) -> bool:
    """Whether the agent-scheme headers sign ``body`` and the timestamp is fresh.

    ``tolerance_s`` bounds the clock skew (replay window); ``None`` disables the check.
    """
    if not isinstance(timestamp, str) or not timestamp.isascii() or not timestamp.isdigit():
        return False
    try:
        expected = "sha256=" + _hex_hmac(secret, _agent_message(body, timestamp))
    except SigningError:
        return False
    return _same(expected, signature) and _fresh(timestamp, tolerance_s, now_ms)


def _hmac_headers(body: bytes, secret: str, **_: Any) -> dict[str, str]:
    return {"X-Monday-Signature": sign_hex_hmac(body, secret)}


def _jwt_headers(body: bytes, secret: str, **kw: Any) -> dict[str, str]:
    if "aud" not in kw:
        raise SigningError("the jwt scheme needs aud= (the webhook URL)")
    return {"Authorization": sign_jwt(secret, **kw)}


def _agent_headers(body: bytes, secret: str, **kw: Any) -> dict[str, str]:
    stamp, signature = sign_agent(body, secret, kw.get("timestamp_ms"))
    return {"x-monday-timestamp": stamp, "x-monday-signature": signature}


def _no_headers(body: bytes, secret: str, **_: Any) -> dict[str, str]:
    return {}


_HEADER_MAKERS: dict[str, Callable[..., dict[str, str]]] = {
    "hmac-hex": _hmac_headers,
    "jwt": _jwt_headers,
    "agent": _agent_headers,
    "none": _no_headers,
}
SCHEMES = tuple(_HEADER_MAKERS)


def signed_headers(body: bytes, secret: str, scheme: str = "hmac-hex", **kw: Any) -> dict[str, str]:
    """Request headers for ``body`` under ``scheme``, always with ``Content-Type``.

    ``jwt`` takes ``sign_jwt``'s keyword arguments (``aud`` required); ``agent`` takes
    ``timestamp_ms``.  Unknown schemes raise :class:`SigningError`.
    """
    maker = _HEADER_MAKERS.get(scheme)
    if maker is None:
        raise SigningError(f"unknown signing scheme {scheme!r}; expected one of {SCHEMES}")
    return {**CONTENT_TYPE, **maker(body, secret, **kw)}


def _header(headers: Mapping[str, str], name: str) -> str | None:
    wanted = name.lower()
    return next((value for key, value in headers.items() if key.lower() == wanted), None)


def verify_headers(
    body: bytes,
    headers: Mapping[str, str],
    secret: str,
    scheme: str = "hmac-hex",
    *,
    aud: str | None = None,
    tolerance_s: float | None = 300.0,
) -> bool:
    """Whether ``headers`` (any letter case) authenticate ``body`` under ``scheme``.

    ``jwt`` needs ``aud``; ``none`` accepts any request, as Monday's personal-token
    webhooks carry no signature.
    """
    if scheme == "hmac-hex":
        signature = _header(headers, "X-Monday-Signature")
        return signature is not None and verify_hex_hmac(body, signature, secret)
    if scheme == "jwt":
        token = _header(headers, "Authorization")
        return token is not None and aud is not None and verify_jwt(token, secret, aud=aud)
    if scheme == "agent":
        stamp, signature = _header(headers, "x-monday-timestamp"), _header(headers, "x-monday-signature")
        if stamp is None or signature is None:
            return False
        return verify_agent(body, stamp, signature, secret, tolerance_s=tolerance_s)
    if scheme == "none":
        return True
    raise SigningError(f"unknown signing scheme {scheme!r}; expected one of {SCHEMES}")


@dataclass(frozen=True)
class Signer:
    """A secret and a scheme: ``Signer(secret, "jwt", aud=url).headers(body)``."""

    secret: str = field(repr=False)
    scheme: str = "hmac-hex"
    aud: str | None = None

    def __post_init__(self) -> None:
        if self.scheme not in SCHEMES:
            raise SigningError(f"unknown signing scheme {self.scheme!r}; expected one of {SCHEMES}")
        if self.scheme == "jwt" and self.aud is None:
            raise SigningError("the jwt scheme needs aud= (the webhook URL)")

    def headers(self, body: bytes) -> dict[str, str]:
        """The request headers for ``body``, ``Content-Type`` included."""
        extra = {"aud": self.aud} if self.scheme == "jwt" else {}
        return signed_headers(body, self.secret, self.scheme, **extra)

    def verify(self, body: bytes, headers: Mapping[str, str]) -> bool:
        """Whether ``headers`` authenticate ``body`` with this signer's secret and scheme."""
        return verify_headers(body, headers, self.secret, self.scheme, aud=self.aud)

    def __str__(self) -> str:
        return repr(self)
