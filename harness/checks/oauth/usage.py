"""Monday OAuth, seen from the Monday side: how the target gets its token, what it asks for, how it calls.

The first four checks judge one end-to-end :class:`~harness.checks.oauth.flow.Flow` (webhook, queue,
worker running the real body, Monday) from the emulator's call log and board. The last two provoke a
429 and an expired access token, run a flow each, and judge how the target coped.
"""

from __future__ import annotations

from harness.checks.oauth.flow import Flow, run_flow
from harness.checks.oauth.view import Call, emulator_of, monday_of
from harness.checks.security.http import reproduce
from harness.findings import (
    BearerCallRejected,
    BoardNotUpdated,
    CheckSkipped,
    Finding,
    RetryAfterIgnored,
    Severity,
    TokenNotAcquired,
    TokenNotRefreshed,
    UnknownScopesRequested,
)
from harness.monday import KNOWN_SCOPES
from harness.session import Session

TOKEN = "oauth.token_acquired"
SCOPES = "oauth.requested_scopes_exist"
BEARER = "oauth.bearer_calls_authenticated"
BOARD = "oauth.webhook_updates_board"
RETRY_AFTER = "oauth.retry_after_honoured"
REFRESH = "oauth.expired_token_refreshed"
NEEDED_SCOPES = frozenset({"boards:write", "updates:write"})  # change_column_value, create_update
RETRY_AFTER_S = 2
SUBJECT = "Monday OAuth"


def _subject(session: Session) -> str:
    return "Monday OAuth (live)" if monday_of(session).live else SUBJECT


def _rerun(session: Session, check: str) -> str:
    return f"harness run --target {session.spec.name} --oauth-test -- -k {check.split('.')[1]}"


def _describe(calls: list[Call]) -> str:
    shown = [f"{c['method']} {c['path']} grant={c['grant']} scope={' '.join(c['requested_scopes']) or '-'} "
             f"-> {c['status']}{' ' + c['error'] if c['error'] else ''}" for c in calls[:6]]
    return "; ".join(shown) or "no call"


def _tokens_ok(flow: Flow) -> bool:
    return any(c["status"] == 200 for c in flow.calls_of("token")) or any(
        c["status"] == 200 for c in flow.calls_of("graphql"))


def token_acquired(session: Session, flow: Flow) -> None:
    """The target obtained a token the way Monday allows (no ``client_credentials`` grant)."""
    emulator_of(session, "see how the target asks for its token")
    tokens = flow.calls_of("token")
    if any(c["status"] == 200 for c in tokens) or (not tokens and flow.calls_of("graphql")):
        return
    grants = sorted({str(c["grant"]) for c in tokens})
    title = ("the token request uses grant_type client_credentials, which Monday refuses for apps"
             if "client_credentials" in grants else "the target never obtained a Monday token")
    raise TokenNotAcquired(Finding(
        TOKEN, _subject(session), Severity.CRITICAL, title,
        expected="an authorization_code exchange (OAuth 2.1 with PKCE on /oauth_ms/oauth/token, or the legacy "
                 "/oauth2/token) answered 200 with an access token",
        observed=f"{len(tokens)} token request(s): {_describe(tokens)}",
        reproduce=f"{_rerun(session, TOKEN)}; curl -s $EMULATOR/_emulator/calls?kind=token"))


def requested_scopes_exist(session: Session, flow: Flow) -> None:
    """Every scope the target asks for exists, and those it needs are among them."""
    emulator_of(session, "see which scopes the target asks for")
    asked = [c for c in flow.calls if c["requested_scopes"]]
    requested = {s for c in asked for s in c["requested_scopes"]}
    if not asked:
        raise CheckSkipped("no authorize or token request named scopes during the flow")
    unknown, missing = sorted(requested - KNOWN_SCOPES), sorted(NEEDED_SCOPES - requested)
    if not unknown and not missing:
        return
    title = (f"the target asks for scopes that do not exist: {' '.join(unknown)}" if unknown else
             f"the target does not ask for {' '.join(missing)}, which its mutations need")
    raise UnknownScopesRequested(Finding(
        SCOPES, _subject(session), Severity.HIGH if unknown else Severity.MEDIUM, title,
        expected=f"scopes among Monday's ({', '.join(sorted(KNOWN_SCOPES))}), including "
                 f"{' '.join(sorted(NEEDED_SCOPES))}; items belong to boards (boards:read/boards:write), "
                 "there is no items:* scope",
        observed=f"requested: {' '.join(sorted(requested))} ({_describe(asked)})",
        reproduce=_rerun(session, SCOPES)))


def bearer_calls_authenticated(session: Session, flow: Flow) -> None:
    """The target's GraphQL calls carry a token Monday accepts."""
    emulator_of(session, "see the target's GraphQL calls")
    if not _tokens_ok(flow):
        raise CheckSkipped(f"the target obtained no token (see {TOKEN})")
    calls = flow.calls_of("graphql")
    refused = [c for c in calls if c["status"] == 401]
    if calls and not refused:
        return
    raise BearerCallRejected(Finding(
        BEARER, _subject(session), Severity.HIGH,
        "the target made no GraphQL call" if not calls else f"{len(refused)} GraphQL call(s) were refused (401)",
        expected="POST /v2 with the access token in Authorization, answered 200",
        observed=_describe(calls), reproduce=_rerun(session, BEARER)))


def webhook_updates_board(session: Session, flow: Flow) -> None:
    """The end-to-end path: the webhook's task changed the item's status or posted an update."""
    if flow.changed:
        return
    raise BoardNotUpdated(Finding(
        BOARD, _subject(session), Severity.HIGH, "the webhook's task never changed the Monday board",
        expected=f"item {flow.item_id} on board {flow.board_id}: a status change or an update, written by the real "
                 "body of process_monday_webhook",
        observed=f"webhook {flow.answer.describe()[:40]}; task state {flow.task_state or 'not final'} after "
                 f"{flow.elapsed_s:.1f}s; {flow.after.describe()}; Monday calls: {_describe(list(flow.calls))}",
        reproduce=reproduce(session, flow.probe)))


def retry_after_honoured(session: Session, base: Flow) -> None:
    """After a 429 with Retry-After, the target waits that long, calls again, and gets its work done."""
    view = emulator_of(session, "make Monday answer 429")
    if not _tokens_ok(base):
        raise CheckSkipped(f"the target obtained no token (see {TOKEN})")
    view.throttle(1, RETRY_AFTER_S)
    flow = run_flow(session)
    calls = flow.calls_of("graphql")
    limited = next((i for i, c in enumerate(calls) if c["status"] == 429), None)
    if limited is None:
        raise CheckSkipped(f"the target made no GraphQL call to throttle ({_describe(calls)})")
    after = calls[limited + 1] if limited + 1 < len(calls) else None
    waited = None if after is None else after["timestamp"] - calls[limited]["timestamp"]
    if waited is not None and waited >= RETRY_AFTER_S - 0.05 and flow.changed:
        return
    title = ("the target gave up after a 429" if waited is None else
             f"the target called again {waited:.2f}s after a 429 with Retry-After: {RETRY_AFTER_S}" if
             waited < RETRY_AFTER_S - 0.05 else "the target waited for Retry-After but its work was not done")
    raise RetryAfterIgnored(Finding(
        RETRY_AFTER, _subject(session), Severity.HIGH, title,
        expected=f"the next call at least {RETRY_AFTER_S}s after the 429, then the board updated",
        observed=f"{_describe(calls)}; {flow.after.describe()}", reproduce=_rerun(session, RETRY_AFTER)))


def _expiry_flow(session: Session, attempts: int = 3) -> Flow | None:
    """Expire every access token and run flows until one meets an expired token (a worker process that
    never had a token authorizes afresh instead, which tests nothing)."""
    view = emulator_of(session, "expire the target's token")
    for _ in range(attempts):
        view.expire_access_tokens()
        flow = run_flow(session)
        refreshed = any(c["grant"] == "refresh_token" for c in flow.calls_of("token"))
        if refreshed or any(c["status"] == 401 for c in flow.calls_of("graphql")):
            return flow
    return None


def expired_token_refreshed(session: Session, base: Flow) -> None:
    """When Monday stops accepting its access token, the target refreshes it and carries on."""
    view = emulator_of(session, "expire the target's token")
    if not _tokens_ok(base):
        raise CheckSkipped(f"the target obtained no token (see {TOKEN})")
    if not any(c["path"].startswith("/oauth_ms/") and c["status"] == 200 for c in view.calls(kind="token")):
        raise CheckSkipped("the target uses legacy tokens (/oauth2/token), which never expire")
    flow = _expiry_flow(session)
    if flow is None:
        raise CheckSkipped("no flow met an expired token (each ran in a worker process that had none yet)")
    tokens = flow.calls_of("token")
    if any(c["grant"] == "refresh_token" and c["status"] == 200 for c in tokens) and flow.changed:
        return
    reauthorized = any(c["kind"] == "authorize" for c in flow.calls)
    raise TokenNotRefreshed(Finding(
        REFRESH, _subject(session), Severity.MEDIUM if reauthorized and flow.changed else Severity.HIGH,
        "the target re-ran the authorization instead of refreshing (real Monday needs a person for that)"
        if reauthorized else "an expired access token was not refreshed",
        expected="after a 401, POST /oauth_ms/oauth/token with grant_type refresh_token (the refresh token "
                 "rotates), then the call again and the board updated",
        observed=f"{_describe(list(flow.calls))}; {flow.after.describe()}", reproduce=_rerun(session, REFRESH)))
