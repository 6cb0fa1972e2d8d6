"""Signers and verifiers of the three webhook authentication schemes."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import jwt
import pytest

from harness.payloads.corpus import load_sample
from harness.payloads.signers import (
    SCHEMES,
    Signer,
    SigningError,
    sign_agent,
    sign_hex_hmac,
    sign_jwt,
    signed_headers,
    verify_agent,
    verify_headers,
    verify_hex_hmac,
    verify_jwt,
)

SECRET = "test-webhook-secret-0123456789abcdef"
OTHER = "another-webhook-secret-fedcba9876543210"
AUD = "https://agent.example.test/webhook/monday"
BODY = json.dumps(load_sample("document_button_colour"), ensure_ascii=False).encode()


def test_hex_hmac_matches_the_documents_verifier() -> None:
    expected = hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest()
    assert sign_hex_hmac(BODY, SECRET) == expected
    assert verify_hex_hmac(BODY, expected, SECRET)


@pytest.mark.parametrize(
    ("body", "secret", "mangle"),
    [
        (BODY + b" ", SECRET, str),
        (BODY, OTHER, str),
        (BODY, SECRET, str.upper),
        (BODY, SECRET, lambda s: "sha256=" + s),
        (BODY, SECRET, lambda s: s[:-1]),
        (BODY, SECRET, lambda s: ""),
        (BODY, SECRET, lambda s: "é" * 64),
    ],
    ids=["altered-body", "wrong-secret", "uppercase", "prefixed", "truncated", "empty", "non-ascii"],
)
def test_hex_hmac_rejects(body: bytes, secret: str, mangle: object) -> None:
    signature = sign_hex_hmac(BODY, SECRET)
    assert callable(mangle)
    assert not verify_hex_hmac(body, mangle(signature), secret)


def test_hex_hmac_verifier_never_raises_on_junk() -> None:
    assert not verify_hex_hmac(BODY, None, SECRET)  # type: ignore[arg-type]
    assert not verify_hex_hmac(BODY, sign_hex_hmac(BODY, SECRET), None)  # type: ignore[arg-type]


def test_jwt_carries_mondays_claims() -> None:
    token = sign_jwt(SECRET, aud=AUD, account_id=11, user_id=22, ttl_s=300, now=1_000_000)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    assert claims["accountId"] == 11
    assert claims["userId"] == 22
    assert claims["aud"] == AUD
    assert (claims["iat"], claims["exp"]) == (1_000_000, 1_000_300)
    assert claims["shortLivedToken"]
    assert SECRET not in token


def test_jwt_verifies_and_tolerates_bearer_prefix() -> None:
    token = sign_jwt(SECRET, aud=AUD)
    assert verify_jwt(token, SECRET, aud=AUD)
    assert verify_jwt("Bearer " + token, SECRET, aud=AUD)


def test_jwt_rejections() -> None:
    token = sign_jwt(SECRET, aud=AUD)
    assert not verify_jwt(token, OTHER, aud=AUD)
    assert not verify_jwt(token, SECRET, aud=AUD + "/x")
    assert not verify_jwt(token[:-2] + "AA", SECRET, aud=AUD)
    assert not verify_jwt("not-a-jwt", SECRET, aud=AUD)
    assert not verify_jwt(None, SECRET, aud=AUD)  # type: ignore[arg-type]


def test_expired_jwt_fails_unless_within_leeway() -> None:
    token = sign_jwt(SECRET, aud=AUD, ttl_s=300, now=time.time() - 400)
    assert not verify_jwt(token, SECRET, aud=AUD)
    assert verify_jwt(token, SECRET, aud=AUD, leeway_s=200)


def test_jwt_issued_in_the_future_fails() -> None:
    assert not verify_jwt(sign_jwt(SECRET, aud=AUD, now=time.time() + 3600), SECRET, aud=AUD)


def test_jwt_with_missing_claims_or_other_algorithm_fails() -> None:
    now = int(time.time())
    no_user = jwt.encode({"aud": AUD, "iat": now, "exp": now + 60, "accountId": 1}, SECRET, "HS256")
    unsigned = jwt.encode({"aud": AUD, "iat": now, "exp": now + 60, "accountId": 1, "userId": 2}, None, "none")
    assert not verify_jwt(no_user, SECRET, aud=AUD)
    assert not verify_jwt(unsigned, SECRET, aud=AUD)


def test_agent_signature_format() -> None:
    stamp, signature = sign_agent(BODY, SECRET, timestamp_ms=1_700_000_000_123)
    expected = hmac.new(SECRET.encode(), b"1700000000123." + BODY, hashlib.sha256).hexdigest()
    assert stamp == "1700000000123"
    assert signature == "sha256=" + expected


def test_agent_verification_and_replay_window() -> None:
    stamp, signature = sign_agent(BODY, SECRET)
    assert verify_agent(BODY, stamp, signature, SECRET)
    assert not verify_agent(BODY + b"x", stamp, signature, SECRET)
    assert not verify_agent(BODY, stamp, signature, OTHER)
    assert not verify_agent(BODY, str(int(stamp) + 1), signature, SECRET)
    assert not verify_agent(BODY, stamp, signature.removeprefix("sha256="), SECRET)
    old_stamp, old_signature = sign_agent(BODY, SECRET, timestamp_ms=int(time.time() * 1000) - 600_000)
    assert not verify_agent(BODY, old_stamp, old_signature, SECRET)
    assert verify_agent(BODY, old_stamp, old_signature, SECRET, tolerance_s=None)
    assert verify_agent(BODY, old_stamp, old_signature, SECRET, now_ms=int(old_stamp) + 1000)


@pytest.mark.parametrize("stamp", ["", "12a", "-5", "١٢٣", "1.5"])
def test_agent_rejects_malformed_timestamps(stamp: str) -> None:
    assert not verify_agent(BODY, stamp, "sha256=" + "0" * 64, SECRET)


def test_signed_headers_per_scheme() -> None:
    hmac_headers = signed_headers(BODY, SECRET)
    assert hmac_headers == {"Content-Type": "application/json", "X-Monday-Signature": sign_hex_hmac(BODY, SECRET)}
    jwt_headers = signed_headers(BODY, SECRET, "jwt", aud=AUD, user_id=5)
    assert set(jwt_headers) == {"Content-Type", "Authorization"}
    assert not jwt_headers["Authorization"].startswith("Bearer")
    assert verify_jwt(jwt_headers["Authorization"], SECRET, aud=AUD)
    agent = signed_headers(BODY, SECRET, "agent", timestamp_ms=1_700_000_000_000)
    assert agent["x-monday-timestamp"] == "1700000000000"
    assert verify_agent(BODY, agent["x-monday-timestamp"], agent["x-monday-signature"], SECRET, tolerance_s=None)
    assert signed_headers(BODY, SECRET, "none") == {"Content-Type": "application/json"}
    assert set(SCHEMES) == {"hmac-hex", "jwt", "agent", "none"}


def test_errors_never_reveal_the_secret() -> None:
    with pytest.raises(SigningError) as unknown:
        signed_headers(BODY, SECRET, "rsa")
    with pytest.raises(SigningError) as no_aud:
        signed_headers(BODY, SECRET, "jwt")
    with pytest.raises(SigningError) as bad_secret:
        sign_hex_hmac(BODY, b"bytes-secret")  # type: ignore[arg-type]
    for error in (unknown, no_aud, bad_secret):
        assert SECRET not in str(error.value)
        assert SECRET not in repr(error.value)
        assert "bytes-secret" not in str(error.value)


def test_short_secrets_still_sign_but_pyjwt_warns() -> None:
    with pytest.warns(jwt.InsecureKeyLengthWarning) as caught:
        token = sign_jwt("short", aud=AUD)
    with pytest.warns(jwt.InsecureKeyLengthWarning):
        assert verify_jwt(token, "short", aud=AUD)
    assert all("short" not in str(w.message).split() for w in caught)


@pytest.mark.parametrize("scheme", ["hmac-hex", "jwt", "agent", "none"])
def test_signer_objects_sign_and_verify(scheme: str) -> None:
    signer = Signer(SECRET, scheme, aud=AUD)
    headers = signer.headers(BODY)
    assert headers["Content-Type"] == "application/json"
    assert signer.verify(BODY, headers)
    assert signer.verify(BODY, {k.upper(): v for k, v in headers.items()})
    if scheme != "none":
        body_covered = scheme != "jwt"  # Monday's JWT does not sign the body
        assert signer.verify(BODY + b" ", headers) is not body_covered
        assert not Signer(OTHER, scheme, aud=AUD).verify(BODY, headers)
        assert not signer.verify(BODY, {"Content-Type": "application/json"})


def test_signer_repr_hides_the_secret() -> None:
    signer = Signer(SECRET, "jwt", aud=AUD)
    assert SECRET not in repr(signer)
    assert SECRET not in str(signer)
    assert "jwt" in repr(signer)


def test_signer_rejects_bad_configuration_without_the_secret() -> None:
    for kwargs in ({"scheme": "rsa"}, {"scheme": "jwt"}):
        with pytest.raises(SigningError) as error:
            Signer(SECRET, **kwargs)
        assert SECRET not in str(error.value)
    with pytest.raises(SigningError):
        verify_headers(BODY, {}, SECRET, "rsa")


@pytest.mark.parametrize("junk", ["", "é", "a.b.c", "..", "Bearer ", "\x00", "sha256=", "é.é.é", "1" * 5000])
def test_verifiers_return_false_on_junk(junk: str) -> None:
    assert verify_jwt(junk, SECRET, aud=AUD) is False
    assert verify_hex_hmac(BODY, junk, SECRET) is False
    assert verify_agent(BODY, junk, junk, SECRET) is False
    assert verify_headers(BODY, {"X-Monday-Signature": junk, "Authorization": junk}, SECRET) is False
