"""The Monday emulator against Monday's documented behaviours, one table row per rule, plus flows.

Rules come from developer.monday.com (OAuth and permissions, OAuth 2.1 migration, API versioning,
error handling, rate limits, changelog) and from RFC 6749 / 7636 / 7009 where Monday defers to them.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest

from harness.monday import EmulatorConfig, ItemSeed, LimitConfig, create_app, s256_challenge, serve_emulator
from harness.monday.config import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_REDIRECT_URI

CLIENT = {"client_id": DEFAULT_CLIENT_ID, "client_secret": DEFAULT_CLIENT_SECRET}
ALL_WRITE = "me:read boards:read boards:write updates:write"
MUTATION = (
    "mutation ($board: ID!, $item: ID!, $value: JSON!) {"
    ' change_column_value(board_id: $board, item_id: $item, column_id: "status", value: $value) { id } }'
)
BOARD_ID = "1234567890"


class FakeClock:
    """A clock the tests move by hand."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Emu:
    """One emulator app and an httpx client over ``httpx.ASGITransport``."""

    config: EmulatorConfig = field(default_factory=EmulatorConfig)
    clock: FakeClock = field(default_factory=FakeClock)

    def __post_init__(self) -> None:
        self.config = dataclasses.replace(self.config, clock=self.clock)
        self.app = create_app(self.config)
        self.secrets_seen: list[str] = [DEFAULT_CLIENT_SECRET]

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://monday.test") as client:
                return await client.request(method, url, **kwargs)

        return asyncio.run(send())

    def authorize(self, **params: str) -> httpx.Response:
        query = {"client_id": DEFAULT_CLIENT_ID, "redirect_uri": DEFAULT_REDIRECT_URI, "state": "s1"}
        return self.request("GET", "/oauth2/authorize", params={**query, **params})

    def code(self, scope: str = ALL_WRITE, **params: str) -> str:
        code = redirect_params(self.authorize(scope=scope, **params))["code"]
        self.secrets_seen.append(code)
        return code

    def legacy_token(self, scope: str = ALL_WRITE) -> str:
        body = {**CLIENT, "redirect_uri": DEFAULT_REDIRECT_URI, "code": self.code(scope)}
        token = str(self.request("POST", "/oauth2/token", data=body).json()["access_token"])
        self.secrets_seen.append(token)
        return token

    def pkce_tokens(self, scope: str = ALL_WRITE) -> dict[str, str]:
        verifier = secrets.token_urlsafe(48)
        code = self.code(scope, code_challenge=s256_challenge(verifier), code_challenge_method="S256")
        body = {**CLIENT, "grant_type": "authorization_code", "code": code,
                "redirect_uri": DEFAULT_REDIRECT_URI, "code_verifier": verifier}  # fmt: skip
        tokens: dict[str, str] = self.request("POST", "/oauth_ms/oauth/token", data=body).json()
        self.secrets_seen += [verifier, tokens["access_token"], tokens["refresh_token"]]
        return tokens

    def refresh(self, refresh_token: str) -> httpx.Response:
        body = {**CLIENT, "grant_type": "refresh_token", "refresh_token": refresh_token}
        return self.request("POST", "/oauth_ms/oauth/token", data=body)

    def graphql(self, token: str | None, query: str, variables: dict[str, Any] | None = None,
                version: str | None = None) -> httpx.Response:  # fmt: skip
        headers = {"Authorization": token} if token is not None else {}
        if version is not None:
            headers["API-Version"] = version
        body = {"query": query, "variables": variables or {}}
        return self.request("POST", "/v2", json=body, headers=headers)

    def set_status(self, token: str, item: str = "42", label: str = "Done", **kw: Any) -> httpx.Response:
        variables = {"board": BOARD_ID, "item": item, "value": json.dumps({"label": label})}
        return self.graphql(token, MUTATION, variables, **kw)

    def board(self) -> dict[str, Any]:
        board: dict[str, Any] = self.request("GET", "/_emulator/board").json()["boards"][BOARD_ID]
        return board

    def calls(self) -> list[dict[str, Any]]:
        calls: list[dict[str, Any]] = self.request("GET", "/_emulator/calls").json()["calls"]
        return calls


def redirect_params(response: httpx.Response) -> dict[str, str]:
    """Query parameters of a redirect's ``Location``."""
    assert response.status_code == 302, response.text
    query = parse_qs(urlsplit(response.headers["location"]).query)
    return {key: values[0] for key, values in query.items()}


def error_code(response: httpx.Response) -> str | None:
    """The error a response carries, wherever Monday puts it (redirect, OAuth JSON, GraphQL)."""
    if response.status_code == 302:
        return redirect_params(response).get("error")
    body = response.json()
    if "error" in body:
        return str(body["error"])
    errors = body.get("errors") or []
    if not errors:
        return None
    return str(errors[0].get("extensions", {}).get("code") or errors[0]["message"])


# --------------------------------------------------------------------------------------------------
# One row per documented Monday behaviour.
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Behaviour:
    """A documented rule, the request that exercises it, and what Monday answers."""

    rule: str
    source: str
    call: Callable[[Emu], httpx.Response]
    status: int
    error: str | None
    config: EmulatorConfig = field(default_factory=EmulatorConfig)


def _code_body(emu: Emu, **extra: str) -> dict[str, str]:
    return {**CLIENT, "redirect_uri": DEFAULT_REDIRECT_URI, "code": emu.code(), **extra}


def _reused_code(emu: Emu) -> httpx.Response:
    body = _code_body(emu)
    emu.request("POST", "/oauth2/token", data=body)
    return emu.request("POST", "/oauth2/token", data=body)


def _expired_code(emu: Emu) -> httpx.Response:
    body = _code_body(emu)
    emu.clock.advance(601)
    return emu.request("POST", "/oauth2/token", data=body)


def _pkce_code(emu: Emu, verifier: str) -> str:
    return emu.code(code_challenge=s256_challenge(verifier), code_challenge_method="S256")


def _oauth21(emu: Emu, **body: str) -> httpx.Response:
    data = {**CLIENT, "redirect_uri": DEFAULT_REDIRECT_URI, **body}
    return emu.request("POST", "/oauth_ms/oauth/token", data=data)


def _wrong_verifier(emu: Emu) -> httpx.Response:
    code = _pkce_code(emu, "a" * 43)
    return _oauth21(emu, grant_type="authorization_code", code=code, code_verifier="b" * 43)


def _reused_refresh(emu: Emu) -> httpx.Response:
    refresh = emu.pkce_tokens()["refresh_token"]
    emu.refresh(refresh)
    return emu.refresh(refresh)


def _expired_access(emu: Emu) -> httpx.Response:
    access = emu.pkce_tokens()["access_token"]
    emu.clock.advance(3601)
    return emu.graphql(access, "{ me { id } }")


def _revoked_access(emu: Emu) -> httpx.Response:
    access = emu.pkce_tokens()["access_token"]
    emu.request("POST", "/oauth_ms/oauth/revoke", data={**CLIENT, "token": access})
    return emu.graphql(access, "{ me { id } }")


def _over_minute_limit(emu: Emu) -> httpx.Response:
    token = emu.legacy_token()
    for _ in range(2):
        emu.graphql(token, "{ me { id } }")
    return emu.graphql(token, "{ me { id } }")


def _over_complexity(emu: Emu) -> httpx.Response:
    token = emu.legacy_token()
    emu.graphql(token, "{ me { id } }")
    return emu.graphql(token, "{ me { id } }")


CLIENT_CREDENTIALS = "client_credentials"
DENY = EmulatorConfig(auto_approve=False)
MINUTE_LIMIT = EmulatorConfig(limits=LimitConfig(requests_per_window=2))
COMPLEXITY = EmulatorConfig(limits=LimitConfig(complexity_budget=15, complexity_per_field=10))

# Where each rule is documented.
OAUTH = "developer.monday.com/apps/docs/oauth"
OAUTH_SCOPES = "developer.monday.com/apps/docs/oauth#scopes (no items:* scope exists)"
OAUTH_ERRORS = "developer.monday.com/apps/docs/oauth (authorization error codes)"
OAUTH21 = "monday OAuth 2.1 migration guide (oauth_ms/oauth/token, PKCE, rotation, revoke)"
RFC6749 = "RFC 6749 (monday's OAuth server follows it)"
RFC7636 = "RFC 7636 §4.6 (PKCE S256 verification)"
RFC7009 = "RFC 7009 + monday OAuth 2.1 guide (revoke answers success: true)"
NO_CLIENT_CREDENTIALS = "monday OAuth: apps get tokens by authorization code only"
API_AUTH = "developer.monday.com/api-reference/docs/error-handling (401: missing or invalid token)"
VERSIONING = "developer.monday.com/api-reference/docs/api-versioning"
ERRORS = "developer.monday.com/api-reference/docs/error-handling (HTTP 200 with errors[])"
CHANGELOG_403 = "monday changelog 2025-07: UserUnauthorizedException renamed USER_UNAUTHORIZED"
CHANGELOG_COMPLEXITY = "monday changelog 2025-07: simplified COMPLEXITY_BUDGET_EXHAUSTED error"
RATE_LIMITS = "developer.monday.com/api-reference/docs/rate-limits (minute limit, Retry-After)"
VERSION_2023_10 = "monday API 2023-10 migration: board_id and item_id are ID!"

BEHAVIOURS = [
    Behaviour("An approved authorization redirects with code and state", OAUTH,
              lambda e: e.authorize(scope="boards:write"), 302, None),
    Behaviour("Scope items:read does not exist -> invalid_scope", OAUTH_SCOPES,
              lambda e: e.authorize(scope="items:read"), 302, "invalid_scope"),
    Behaviour("Scope items:write does not exist -> invalid_scope", OAUTH_SCOPES,
              lambda e: e.authorize(scope="boards:write items:write"), 302, "invalid_scope"),
    Behaviour("The user declining -> access_denied on the redirect URI", OAUTH_ERRORS,
              lambda e: e.authorize(scope="boards:write"), 302, "access_denied", DENY),
    Behaviour("No client_id -> invalid_request (400, not redirected)", OAUTH_ERRORS,
              lambda e: e.request("GET", "/oauth2/authorize", params={"scope": "me:read"}), 400,
              "invalid_request"),
    Behaviour("An unknown client -> unauthorized_client (403, not redirected)", OAUTH_ERRORS,
              lambda e: e.authorize(client_id="nobody"), 403, "unauthorized_client"),
    Behaviour("An unregistered redirect_uri is never redirected to", RFC6749 + " §4.1.2.1",
              lambda e: e.authorize(redirect_uri="https://evil.example/cb"), 400, "invalid_request"),
    Behaviour("PKCE: only S256 is accepted as code_challenge_method", OAUTH21,
              lambda e: e.authorize(code_challenge="x" * 43, code_challenge_method="plain"), 302,
              "invalid_request"),
    Behaviour("Legacy exchange: client_id, client_secret, redirect_uri, code -> Bearer token", OAUTH,
              lambda e: e.request("POST", "/oauth2/token", data=_code_body(e)), 200, None),
    Behaviour("Legacy exchange accepts a JSON body too", OAUTH,
              lambda e: e.request("POST", "/oauth2/token", json=_code_body(e)), 200, None),
    Behaviour("client_credentials (the migration document's grant) -> unsupported_grant_type",
              NO_CLIENT_CREDENTIALS,
              lambda e: e.request("POST", "/oauth2/token", json={**CLIENT, "grant_type": CLIENT_CREDENTIALS}),
              400, "unsupported_grant_type"),
    Behaviour("The OAuth 2.1 token endpoint refuses client_credentials too", NO_CLIENT_CREDENTIALS,
              lambda e: _oauth21(e, grant_type="client_credentials"), 400, "unsupported_grant_type"),
    Behaviour("A wrong client_secret -> invalid_client (401)", RFC6749 + " §5.2",
              lambda e: e.request("POST", "/oauth2/token", data=_code_body(e, client_secret="wrong")), 401,
              "invalid_client"),
    Behaviour("Authorization codes are single use -> invalid_grant on reuse", RFC6749 + " §4.1.2",
              _reused_code, 400, "invalid_grant"),
    Behaviour("Authorization codes are valid 10 minutes -> invalid_grant after", OAUTH,
              _expired_code, 400, "invalid_grant"),
    Behaviour("redirect_uri must match the authorization request", RFC6749 + " §4.1.3",
              lambda e: e.request("POST", "/oauth2/token",
                                  data=_code_body(e, redirect_uri="http://127.0.0.1/other")),
              400, "invalid_grant"),
    Behaviour("OAuth 2.1 requires PKCE: a code authorized without code_challenge is refused", OAUTH21,
              lambda e: _oauth21(e, grant_type="authorization_code", code=e.code()), 400, "invalid_request"),
    Behaviour("A code_verifier that does not hash to the challenge -> invalid_grant", RFC7636,
              _wrong_verifier, 400, "invalid_grant"),
    Behaviour("The OAuth 2.1 token endpoint needs grant_type", OAUTH21,
              lambda e: _oauth21(e, code="x"), 400, "invalid_request"),
    Behaviour("Refresh tokens rotate: reusing the old one -> invalid_grant", OAUTH21,
              _reused_refresh, 400, "invalid_grant"),
    Behaviour("Revoke answers {success: true}", RFC7009,
              lambda e: e.request("POST", "/oauth_ms/oauth/revoke",
                                  json={**CLIENT, "token": e.pkce_tokens()["access_token"]}),
              200, None),
    Behaviour("A request without a token -> 401", API_AUTH,
              lambda e: e.graphql(None, "{ me { id } }"), 401, "Not Authenticated"),
    Behaviour("An unknown token -> 401", API_AUTH,
              lambda e: e.graphql("not-a-token", "{ me { id } }"), 401, "Not Authenticated"),
    Behaviour("OAuth 2.1 access tokens expire (exp) -> 401 afterwards", OAUTH21,
              _expired_access, 401, "Not Authenticated"),
    Behaviour("A revoked access token -> 401", RFC7009,
              _revoked_access, 401, "Not Authenticated"),
    Behaviour("The Authorization header may carry 'Bearer <token>'", API_AUTH,
              lambda e: e.graphql("Bearer " + e.legacy_token(), "{ me { id } }"), 200, None),
    Behaviour("Versions are yyyy-mm with months 01/04/07/10: 2026-05 is refused", VERSIONING,
              lambda e: e.graphql(e.legacy_token(), "{ me { id } }", version="2026-05"), 400,
              "Invalid API version '2026-05': use yyyy-mm with month 01, 04, 07 or 10"),
    Behaviour("change_column_value without boards:write -> USER_UNAUTHORIZED, HTTP 200", CHANGELOG_403,
              lambda e: e.set_status(e.legacy_token("me:read updates:write")), 200, "USER_UNAUTHORIZED"),
    Behaviour("Before 2025-07 the same error is UserUnauthorizedException (status_code 403)", ERRORS,
              lambda e: e.set_status(e.legacy_token("me:read"), version="2025-04"), 200,
              "UserUnauthorizedException"),
    Behaviour("create_update without updates:write -> USER_UNAUTHORIZED", CHANGELOG_403,
              lambda e: e.graphql(e.legacy_token("boards:write"),
                                  'mutation { create_update(item_id: 1, body: "hi") { id } }'),
              200, "USER_UNAUTHORIZED"),
    Behaviour("me without me:read -> USER_UNAUTHORIZED", CHANGELOG_403,
              lambda e: e.graphql(e.legacy_token("boards:write"), "{ me { id } }"), 200, "USER_UNAUTHORIZED"),
    Behaviour("Parse errors come back as HTTP 200 with errors[] and locations", ERRORS,
              lambda e: e.graphql(e.legacy_token(), "{ me { id }"), 200, "Unexpected end of document"),
    Behaviour("board_id is ID!: an Int! variable is a type mismatch", VERSION_2023_10,
              lambda e: e.graphql(e.legacy_token(),
                                  "mutation ($b: Int!) { change_simple_column_value(board_id: $b, item_id: 1,"
                                  ' column_id: "text", value: "x") { id } }', {"b": 1}),
              200, "variableMismatch"),
    Behaviour("Past the minute limit -> 429 with Retry-After", RATE_LIMITS,
              _over_minute_limit, 429, "RATE_LIMIT_EXCEEDED", MINUTE_LIMIT),
    Behaviour("Complexity budget exhausted -> 429 COMPLEXITY_BUDGET_EXHAUSTED", CHANGELOG_COMPLEXITY,
              _over_complexity, 429, "COMPLEXITY_BUDGET_EXHAUSTED", COMPLEXITY),
]  # fmt: skip


@pytest.mark.parametrize("behaviour", BEHAVIOURS, ids=[b.rule for b in BEHAVIOURS])
def test_documented_behaviour(behaviour: Behaviour) -> None:
    emu = Emu(behaviour.config)
    response = behaviour.call(emu)
    context = f"{behaviour.rule} ({behaviour.source}): {response.text}"
    assert response.status_code == behaviour.status, context
    assert error_code(response) == behaviour.error, context


# --------------------------------------------------------------------------------------------------
# Flows.
# --------------------------------------------------------------------------------------------------


def test_authorize_legacy_token_then_mutation_changes_board() -> None:
    emu = Emu()
    redirect = redirect_params(emu.authorize(scope="boards:write updates:write", state="st-9"))
    assert redirect["state"] == "st-9"
    body = {**CLIENT, "redirect_uri": DEFAULT_REDIRECT_URI, "code": redirect["code"]}
    tokens = emu.request("POST", "/oauth2/token", data=body).json()
    assert set(tokens) == {"access_token", "token_type", "scope"}
    assert tokens["token_type"] == "Bearer" and tokens["scope"] == "boards:write updates:write"
    assert "exp" not in jwt.decode(tokens["access_token"], options={"verify_signature": False})
    response = emu.set_status(tokens["access_token"], item="42", label="Working on it")
    assert response.json()["data"] == {"change_column_value": {"id": "42"}}
    status = emu.board()["items"]["42"]["column_values"]["status"]
    assert status["value"] == {"label": "Working on it"} and status["text"] == "Working on it"


def test_oauth21_pkce_refresh_rotation_and_reuse_refused() -> None:
    emu = Emu()
    first = emu.pkce_tokens()
    assert set(first) == {"access_token", "refresh_token", "token_type", "scope"}
    claims = jwt.decode(first["access_token"], options={"verify_signature": False})
    assert claims["exp"] == int(emu.clock.now + 3600)
    second = emu.refresh(first["refresh_token"]).json()
    assert second["refresh_token"] != first["refresh_token"]
    assert emu.graphql(second["access_token"], "{ me { id } }").status_code == 200
    reuse = emu.refresh(first["refresh_token"])
    assert (reuse.status_code, reuse.json()["error"]) == (400, "invalid_grant")
    assert emu.refresh(second["refresh_token"]).status_code == 200


def test_migration_document_client_credentials_request_is_refused() -> None:
    emu = Emu()
    body = {"grant_type": "client_credentials", **CLIENT, "scope": "boards:read boards:write items:read"}
    response = emu.request("POST", "/oauth2/token", json=body)
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"
    assert emu.calls()[-1]["error"] == "unsupported_grant_type"


def test_items_read_scope_is_refused_and_no_code_issued() -> None:
    emu = Emu()
    params = redirect_params(emu.authorize(scope="boards:read items:read"))
    assert params["error"] == "invalid_scope" and "items:read" in params["error_description"]
    assert "code" not in params and params["state"] == "s1"


def test_mutation_without_boards_write_leaves_board_unchanged() -> None:
    emu = Emu()
    body = emu.set_status(emu.legacy_token("me:read boards:read")).json()
    assert body["data"] == {"change_column_value": None}
    assert body["errors"][0]["extensions"] == {
        "code": "USER_UNAUTHORIZED",
        "status_code": 403,
        "error_data": {},
    }
    assert body["errors"][0]["path"] == ["change_column_value"]
    assert emu.board()["items"] == {}


def test_rate_limit_returns_429_with_retry_after_then_recovers() -> None:
    emu = Emu(EmulatorConfig(limits=LimitConfig(requests_per_window=3, window_s=60)))
    token = emu.legacy_token()
    assert [emu.graphql(token, "{ me { id } }").status_code for _ in range(3)] == [200, 200, 200]
    emu.clock.advance(20)
    limited = emu.graphql(token, "{ me { id } }")
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "40"
    emu.clock.advance(40)
    assert emu.graphql(token, "{ me { id } }").status_code == 200


def test_complexity_budget_error_shape() -> None:
    emu = Emu(EmulatorConfig(limits=LimitConfig(complexity_budget=10, complexity_per_field=10)))
    token = emu.legacy_token()
    assert emu.graphql(token, "{ me { id } }").status_code == 200
    response = emu.graphql(token, "{ me { id } }")
    assert response.status_code == 429 and response.headers["Retry-After"] == "60"
    assert response.json()["errors"] == [
        {"message": "Complexity budget exhausted",
         "extensions": {"code": "COMPLEXITY_BUDGET_EXHAUSTED", "retry_in_seconds": 60}}
    ]  # fmt: skip


def test_create_update_is_recorded_on_the_item() -> None:
    emu = Emu()
    query = "mutation ($item: ID, $body: String!) { create_update(item_id: $item, body: $body) { id body } }"
    response = emu.graphql(emu.legacy_token(), query, {"item": 77, "body": "<p>Tests passed</p>"})
    update = response.json()["data"]["create_update"]
    assert update["body"] == "<p>Tests passed</p>"
    assert emu.board()["items"]["77"]["updates"][0]["id"] == update["id"]


def test_fragments_and_directives_shape_the_response() -> None:
    emu = Emu()
    query = """
    query ($email: Boolean!) { ...Root  hidden: me @include(if: false) { id } }
    fragment Root on Query { me { ...Ids  email @include(if: $email)  name @skip(if: true) } }
    fragment Ids on User { id  ... on User { account { id } } }
    """
    user = emu.config.user
    body = emu.graphql(emu.legacy_token(), query, {"email": False}).json()
    assert body["data"] == {"me": {"id": user.user_id, "account": {"id": user.account_id}}}
    body = emu.graphql(emu.legacy_token(), query, {"email": True}).json()
    assert body["data"]["me"]["email"] == user.email


def test_skipped_root_fields_neither_run_nor_cost() -> None:
    emu = Emu(EmulatorConfig(limits=LimitConfig(complexity_budget=10, complexity_per_field=10)))
    query = """
    mutation ($twice: Boolean!) {
      first: create_update(item_id: 5, body: "a") { id }
      second: create_update(item_id: 5, body: "b") @include(if: $twice) { id }
    }
    """
    response = emu.graphql(emu.legacy_token(), query, {"twice": False})
    assert response.status_code == 200 and list(response.json()["data"]) == ["first"]
    assert [u["body"] for u in emu.board()["items"]["5"]["updates"]] == ["a"]
    assert emu.calls()[-1]["fields"] == ["create_update"]


def test_revoking_a_refresh_token_revokes_its_access_tokens() -> None:
    emu = Emu()
    tokens = emu.pkce_tokens()
    hint = {"token_type_hint": "refresh_token"}
    revoke = emu.request("POST", "/oauth_ms/oauth/revoke", data={**CLIENT, "token": tokens["refresh_token"], **hint})
    assert revoke.json() == {"success": True}
    assert emu.graphql(tokens["access_token"], "{ me { id } }").status_code == 401
    assert emu.refresh(tokens["refresh_token"]).json()["error"] == "invalid_grant"


def test_call_log_records_calls_without_secrets() -> None:
    emu = Emu()
    tokens = emu.pkce_tokens()
    emu.set_status(tokens["access_token"])
    emu.refresh(tokens["refresh_token"])
    calls = emu.calls()
    assert [c["kind"] for c in calls] == ["authorize", "token", "graphql", "token"]
    assert calls[2]["fields"] == ["change_column_value"] and calls[2]["token"].startswith("sha256:")
    assert calls[3]["grant"] == "refresh_token" and "boards:write" in calls[3]["scopes"]
    dumped = json.dumps(calls)
    assert not [s for s in emu.secrets_seen if s in dumped]


def test_reset_returns_to_the_configured_start() -> None:
    seed = ItemSeed(item_id="7", name="Seeded", column_values={"status": {"label": "Stuck"}})
    emu = Emu(EmulatorConfig(items=(seed,)))
    token = emu.legacy_token()
    emu.set_status(token, item="7")
    assert emu.board()["items"]["7"]["column_values"]["status"]["text"] == "Done"
    emu.request("POST", "/_emulator/reset")
    assert emu.board()["items"]["7"]["column_values"]["status"]["text"] == "Stuck"
    assert emu.calls() == [] and emu.graphql(token, "{ me { id } }").status_code == 401


def test_unknown_item_is_refused_when_auto_create_is_off() -> None:
    emu = Emu(EmulatorConfig(auto_create_items=False))
    error = emu.set_status(emu.legacy_token(), item="404").json()["errors"][0]
    assert error["extensions"]["code"] == "InvalidItemIdException"


def test_serve_emulator_starts_and_stops_cleanly() -> None:
    before = {t.ident for t in threading.enumerate()}
    with serve_emulator(EmulatorConfig()) as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        health = httpx.get(f"{base_url}/_emulator/health", trust_env=False)
        assert health.json() == {"status": "ok"}
    assert {t.ident for t in threading.enumerate()} <= before
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{base_url}/_emulator/health", trust_env=False, timeout=1.0)


def test_wrong_paths_are_logged_and_calls_can_be_filtered() -> None:
    emu = Emu()
    assert emu.request("POST", "/oauth/token", data=CLIENT).status_code == 404
    emu.graphql(None, "{ me { id } }")
    assert [c["path"] for c in emu.request("GET", "/_emulator/calls?kind=unknown").json()["calls"]] == ["/oauth/token"]
    graphql_calls = emu.request("GET", "/_emulator/calls", params={"kind": "graphql"}).json()["calls"]
    assert [(c["status"], c["error"]) for c in graphql_calls] == [(401, "401")]
