"""A small Monday.com client for the reference target: OAuth 2.1 with PKCE, refresh, GraphQL with retries.

Standard library only (it runs under the target's interpreter, Celery 5.2 / Python 3.11 included) and
configured only by the environment:

- ``MONDAY_API_URL`` (e.g. https://api.monday.com/v2) and ``MONDAY_AUTH_URL`` (https://auth.monday.com);
  without ``MONDAY_API_URL`` the client is not configured and the target does not report to Monday;
- ``MONDAY_CLIENT_ID`` / ``MONDAY_CLIENT_KEY``: the app's client id and secret;
- ``MONDAY_OAUTH_ACCESS_TOKEN`` / ``MONDAY_OAUTH_REFRESH_TOKEN`` (optional): tokens obtained when the
  app was installed. Without them the client runs the authorization step itself (``/oauth2/authorize``
  with an S256 challenge, reading the code from the redirect), which works where consent is automatic
  (the harness's emulator); real Monday needs a person to approve once, at installation.

Tokens come from ``POST {auth}/oauth_ms/oauth/token`` (grant ``authorization_code`` with the PKCE
verifier, then ``refresh_token``, whose refresh token rotates). GraphQL calls send the raw token in
``Authorization`` and an ``API-Version``; a 429 waits ``Retry-After`` seconds, a complexity error waits
``retry_in_seconds``, a 401 refreshes the token once. Neither tokens nor secrets are ever logged.
"""

import base64
import hashlib
import json
import os
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

API_VERSION = "2026-07"
SCOPES = "me:read boards:read boards:write updates:write"
MAX_ATTEMPTS = 5
MAX_WAIT_S = 60.0


class MondayError(Exception):
    """Monday refused a request; the message never contains a token or a secret."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _send(request, timeout=10):
    """(status, headers, body bytes), whatever the status."""
    try:
        with _opener.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def _pkce_pair():
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _wait_seconds(value, default=1.0):
    try:
        return min(max(float(value), 0.0), MAX_WAIT_S)
    except (TypeError, ValueError):
        return default


class MondayClient:
    def __init__(self, env=None):
        env = os.environ if env is None else env
        self.api_url = env.get("MONDAY_API_URL", "")
        self.auth_url = env.get("MONDAY_AUTH_URL", "https://auth.monday.com").rstrip("/")
        self.client_id = env.get("MONDAY_CLIENT_ID", "")
        self._client_secret = env.get("MONDAY_CLIENT_KEY", "")
        self._access = env.get("MONDAY_OAUTH_ACCESS_TOKEN") or None
        self._refresh = env.get("MONDAY_OAUTH_REFRESH_TOKEN") or None
        self._lock = threading.Lock()

    # -- tokens --------------------------------------------------------------------------------------
    def token(self):
        with self._lock:
            if self._access is None and self._refresh:
                self._refresh_tokens()
            elif self._access is None:
                self._authorize()
            return self._access

    def _authorize(self):
        verifier, challenge = _pkce_pair()
        state = secrets.token_urlsafe(16)
        query = urllib.parse.urlencode({"client_id": self.client_id, "response_type": "code", "scope": SCOPES,
                                        "state": state, "code_challenge": challenge,
                                        "code_challenge_method": "S256"})
        status, headers, _ = _send(urllib.request.Request(f"{self.auth_url}/oauth2/authorize?{query}"))
        answer = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(headers.get("Location", "")).query))
        if status not in (301, 302, 303, 307) or answer.get("state") != state or "code" not in answer:
            raise MondayError(f"authorization refused: HTTP {status} {answer.get('error', '')}".strip())
        self._exchange({"grant_type": "authorization_code", "code": answer["code"], "code_verifier": verifier})

    def _refresh_tokens(self):
        refresh, self._refresh = self._refresh, None
        self._exchange({"grant_type": "refresh_token", "refresh_token": refresh})

    def _exchange(self, grant):
        form = dict(grant, client_id=self.client_id, client_secret=self._client_secret)
        request = urllib.request.Request(f"{self.auth_url}/oauth_ms/oauth/token",
                                         data=urllib.parse.urlencode(form).encode(), method="POST",
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        status, _, body = _send(request)
        reply = json.loads(body or b"{}") if body[:1] == b"{" else {}
        if status != 200 or "access_token" not in reply:
            raise MondayError(f"token request ({grant['grant_type']}) refused: HTTP {status} "
                              f"{reply.get('error', '')}".strip())
        self._access, self._refresh = reply["access_token"], reply.get("refresh_token")

    def _token_expired(self, used):
        """Forget an access token Monday no longer accepts; refresh it when we can."""
        with self._lock:
            if self._access == used:
                self._access = None

    # -- GraphQL -------------------------------------------------------------------------------------
    def graphql(self, query, variables=None):
        refreshed = False
        for _ in range(MAX_ATTEMPTS):
            token = self.token()
            status, headers, body = self._post(token, query, variables or {})
            reply = json.loads(body) if body[:1] == b"{" else {}
            if status == 401 and not refreshed:
                self._token_expired(token)
                refreshed = True
                continue
            wait = self._retry_wait(status, headers, reply)
            if wait is not None:
                time.sleep(wait)
                continue
            if status != 200 or reply.get("errors"):
                raise MondayError(f"GraphQL call failed: HTTP {status} {self._codes(reply)}".strip())
            return reply.get("data") or {}
        raise MondayError(f"GraphQL call still refused after {MAX_ATTEMPTS} attempts")

    def _post(self, token, query, variables):
        data = json.dumps({"query": query, "variables": variables}).encode()
        request = urllib.request.Request(self.api_url, data=data, method="POST", headers={
            "Authorization": token, "API-Version": API_VERSION, "Content-Type": "application/json"})
        return _send(request)

    @staticmethod
    def _retry_wait(status, headers, reply):
        """Seconds to wait before trying again (429 Retry-After, complexity budget), or None."""
        if status == 429:
            return _wait_seconds(headers.get("Retry-After"))
        for error in reply.get("errors") or []:
            extensions = error.get("extensions") or {}
            if extensions.get("code") in ("COMPLEXITY_BUDGET_EXHAUSTED", "ComplexityException"):
                return _wait_seconds(extensions.get("retry_in_seconds"))
        return None

    @staticmethod
    def _codes(reply):
        return ",".join(str((e.get("extensions") or {}).get("code", e.get("message", ""))) for e in
                        reply.get("errors") or [])

    # -- what the agent does on a board ----------------------------------------------------------------
    def create_update(self, item_id, body):
        query = "mutation ($item: ID!, $body: String!) { create_update(item_id: $item, body: $body) { id } }"
        return self.graphql(query, {"item": str(item_id), "body": body})

    def change_status(self, board_id, item_id, column_id, label):
        query = ("mutation ($board: ID!, $item: ID!, $column: String!, $value: JSON!) {"
                 " change_column_value(board_id: $board, item_id: $item, column_id: $column, value: $value) { id } }")
        variables = {"board": str(board_id), "item": str(item_id), "column": column_id,
                     "value": json.dumps({"label": label})}
        return self.graphql(query, variables)


_shared = None


def configured(env=None):
    return bool((os.environ if env is None else env).get("MONDAY_API_URL"))


def shared():
    """One client per process, so a worker child authorizes once and reuses its tokens."""
    global _shared
    if _shared is None:
        _shared = MondayClient()
    return _shared
