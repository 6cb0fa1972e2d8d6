"""``/_emulator/*``: what tests use to inspect and reset the emulator. Not part of Monday's API.

- ``GET /_emulator/health``: readiness probe.
- ``GET /_emulator/calls[?kind=graphql]``: the call log (no secrets: tokens appear as fingerprints).
- ``GET /_emulator/board``: every board with its items, column values and updates.
- ``POST /_emulator/reset``: back to the configured start (codes, tokens, calls, boards, limits).
- ``POST /_emulator/throttle`` ``{"requests": n, "retry_after": s}``: the next n ``/v2`` calls get
  Monday's 429 with ``Retry-After: s``, whatever the configured limits.
- ``POST /_emulator/expire``: every OAuth 2.1 access token expires now (refresh tokens still work).

Any other path answers 404 and is logged (kind ``unknown``), so a target calling a wrong Monday URL
shows up in the call log.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from harness.monday.state import EmulatorState


class AdminRoutes:
    """Inspection endpoints bound to one emulator state. Their own calls are not logged."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state

    def routes(self) -> list[Route]:
        return [
            Route("/_emulator/health", self.health, methods=["GET"]),
            Route("/_emulator/calls", self.calls, methods=["GET"]),
            Route("/_emulator/board", self.board, methods=["GET"]),
            Route("/_emulator/reset", self.reset, methods=["POST"]),
            Route("/_emulator/throttle", self.throttle, methods=["POST"]),
            Route("/_emulator/expire", self.expire, methods=["POST"]),
            Route("/{path:path}", self.not_found, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
        ]

    async def health(self, request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def calls(self, request: Request) -> Response:
        kind = request.query_params.get("kind")
        calls = [call.to_json() for call in self.state.calls if kind is None or call.kind == kind]
        return JSONResponse({"calls": calls})

    async def board(self, request: Request) -> Response:
        boards = {board_id: board.to_json() for board_id, board in self.state.boards.items()}
        return JSONResponse({"boards": boards})

    async def reset(self, request: Request) -> Response:
        self.state.reset()
        return JSONResponse({"reset": True})

    async def throttle(self, request: Request) -> Response:
        body = await _json_object(request)
        self.state.throttle_left = max(0, int(body.get("requests", 1)))
        self.state.throttle_retry_after = max(1, int(body.get("retry_after", 1)))
        return JSONResponse({"requests": self.state.throttle_left, "retry_after": self.state.throttle_retry_after})

    async def expire(self, request: Request) -> Response:
        return JSONResponse({"expired": self.state.expire_access_tokens()})

    async def not_found(self, request: Request) -> Response:
        self.state.record(method=request.method, path=request.url.path, kind="unknown", status=404)
        return JSONResponse({"error": "not_found", "path": request.url.path}, 404)


async def _json_object(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
