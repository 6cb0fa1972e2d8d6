"""Starlette routes of the OAuth server: authorize, both token endpoints and revoke.

Every call is written to the call log with the grant, the scopes, the client and the outcome. The
log never holds a secret: no client secret, code, verifier or token.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from harness.monday.authorize import authorize
from harness.monday.grants import TokenGrant, legacy_token, oauth21_token, revoke
from harness.monday.oauth_http import OAuthError, request_params
from harness.monday.state import EmulatorState

GrantHandler = Callable[[EmulatorState, dict[str, str]], TokenGrant]


class OAuthRoutes:
    """The OAuth endpoints bound to one emulator state."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state

    def routes(self) -> list[Route]:
        return [
            Route("/oauth2/authorize", self.authorize, methods=["GET"]),
            Route("/oauth2/token", self.legacy_token, methods=["POST"]),
            Route("/oauth_ms/oauth/token", self.oauth21_token, methods=["POST"]),
            Route("/oauth_ms/oauth/revoke", self.revoke, methods=["POST"]),
        ]

    async def authorize(self, request: Request) -> Response:
        query = dict(request.query_params)
        result = authorize(self.state, query)
        self._log(
            request,
            "authorize",
            result.response.status_code,
            grant="authorization_code",
            error=result.error,
            scopes=result.scopes,
            client_id=result.client_id,
            requested=tuple(query.get("scope", "").split()),
        )
        return result.response

    async def legacy_token(self, request: Request) -> Response:
        return await self._token(request, legacy_token, default_grant="authorization_code")

    async def oauth21_token(self, request: Request) -> Response:
        return await self._token(request, oauth21_token, default_grant=None)

    async def revoke(self, request: Request) -> Response:
        params: dict[str, str] = {}
        try:
            params = await request_params(request)
            client_id = revoke(self.state, params)
        except OAuthError as exc:
            response = exc.token_response()
            self._log(
                request, "revoke", response.status_code, error=exc.error, client_id=params.get("client_id")
            )
            return response
        self._log(request, "revoke", 200, grant=params.get("token_type_hint"), client_id=client_id)
        return JSONResponse({"success": True})

    async def _token(self, request: Request, handler: GrantHandler, default_grant: str | None) -> Response:
        params: dict[str, str] = {}
        try:
            params = await request_params(request)
            grant = handler(self.state, params)
        except OAuthError as exc:
            response = exc.token_response()
            self._log(
                request,
                "token",
                response.status_code,
                grant=params.get("grant_type", default_grant),
                error=exc.error,
                client_id=params.get("client_id"),
                requested=tuple(params.get("scope", "").split()),
            )
            return response
        self._log(
            request,
            "token",
            200,
            grant=params.get("grant_type", default_grant),
            scopes=grant.scopes,
            client_id=grant.client_id,
            requested=tuple(params.get("scope", "").split()),
        )
        return JSONResponse(grant.body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})

    def _log(
        self,
        request: Request,
        kind: str,
        status: int,
        *,
        grant: str | None = None,
        error: str | None = None,
        scopes: frozenset[str] = frozenset(),
        client_id: str | None = None,
        requested: tuple[str, ...] = (),
    ) -> None:
        self.state.record(
            method=request.method,
            path=request.url.path,
            kind=kind,
            status=status,
            grant=grant,
            error=error,
            scopes=tuple(sorted(scopes)),
            client_id=client_id,
            requested=requested,
        )
