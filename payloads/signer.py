"""A configured signer object, and verification straight from request headers.

:class:`Signer` bundles a secret with a scheme so fixtures and Locust users can pass
one object around; its ``repr`` and ``str`` never show the secret.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .signers import SCHEMES, SigningError, signed_headers, verify_agent, verify_hex_hmac, verify_jwt

__all__ = ["Signer", "verify_headers"]


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
