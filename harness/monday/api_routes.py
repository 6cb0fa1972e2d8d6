"""``POST /v2``: Monday's GraphQL endpoint, with authentication, versioning and rate limits.

Order of checks: token (401), ``API-Version`` header (400), minute limit (429 + ``Retry-After``),
parse and validation (200 with ``errors``), complexity budget (429 + ``Retry-After``), execution
(200, possibly with partial ``data`` and ``errors``).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from harness.monday.config import API_VERSION_PATTERN, UNIFIED_ERRORS_VERSION
from harness.monday.operation import GraphQLErrors, PreparedOperation, execute, prepare
from harness.monday.state import EmulatorState, TokenRecord
from harness.monday.tokens import fingerprint, lookup_token, personal_token_record


class Rejected(Exception):
    """Stop handling a request with this response (and this code in the call log)."""

    def __init__(self, response: Response, code: str | None) -> None:
        super().__init__(code)
        self.response = response
        self.code = code


@dataclass
class CallInfo:
    """What the call log records about one ``/v2`` request (never the token itself)."""

    token: str | None = None
    scopes: tuple[str, ...] = ()
    client_id: str | None = None
    api_version: str | None = None
    operation: str | None = None
    fields: tuple[str, ...] = ()
    codes: list[str] = field(default_factory=list)


class GraphQLRoute:
    """The GraphQL API bound to one emulator state."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state

    def routes(self) -> list[Route]:
        return [Route("/v2", self.graphql, methods=["POST"])]

    async def graphql(self, request: Request) -> Response:
        info = CallInfo()
        try:
            response = await self._handle(request, info)
        except Rejected as exc:
            response = exc.response
            info.codes.append(exc.code or "")
        self.state.record(
            method=request.method, path=request.url.path, kind="graphql", status=response.status_code,
            operation=info.operation, fields=info.fields, error=",".join(c for c in info.codes if c) or None,
            scopes=info.scopes, client_id=info.client_id, token=info.token, api_version=info.api_version,
        )  # fmt: skip
        return response

    async def _handle(self, request: Request, info: CallInfo) -> Response:
        token = self._authenticate(request, info)
        version = self._api_version(request, info)
        self._rate_limit()
        operation = self._prepare(await request.body(), info)
        self._spend_complexity(operation, version)
        result = execute(self.state, operation, token, version)
        info.codes = result.codes
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = result.errors
        return self._json(body)

    def _authenticate(self, request: Request, info: CallInfo) -> TokenRecord:
        raw = request.headers.get("authorization", "").strip()
        raw = raw[len("bearer ") :].strip() if raw.lower().startswith("bearer ") else raw
        record = None
        if raw:
            info.token = fingerprint(raw)
            record = lookup_token(self.state, raw, "access") or personal_token_record(self.state, raw)
        if record is None or not record.usable(self.state.now()):
            body = {"errors": [{"message": "Not Authenticated", "extensions": {"status_code": 401}}]}
            raise Rejected(JSONResponse(body, 401, headers={"WWW-Authenticate": "Bearer"}), "401")
        info.scopes, info.client_id = tuple(sorted(record.scopes)), record.client_id
        return record

    def _api_version(self, request: Request, info: CallInfo) -> str:
        version = request.headers.get("api-version", "").strip() or self.state.config.current_api_version
        info.api_version = version
        if not API_VERSION_PATTERN.match(version):
            message = f"Invalid API version '{version}': use yyyy-mm with month 01, 04, 07 or 10"
            raise Rejected(JSONResponse({"errors": [{"message": message}]}, 400), "400")
        return version

    def _rate_limit(self) -> None:
        window = self.state.rate_window
        wait = window.try_consume(self.state.now()) if window else None
        if self.state.throttle_left > 0:  # forced by /_emulator/throttle
            self.state.throttle_left -= 1
            wait = self.state.throttle_retry_after
        if wait is not None:
            error = {
                "message": "Rate Limit Exceeded",
                "extensions": {"code": "RATE_LIMIT_EXCEEDED", "retry_in_seconds": wait},
            }
            raise Rejected(self._json({"errors": [error]}, 429, retry_after=wait), "RATE_LIMIT_EXCEEDED")

    def _prepare(self, raw: bytes, info: CallInfo) -> PreparedOperation:
        query, variables, name = self._request_body(raw)
        try:
            operation = prepare(query, variables, name)
        except GraphQLErrors as exc:
            codes = {str(e.get("extensions", {}).get("code", "GRAPHQL_ERROR")) for e in exc.errors}
            raise Rejected(self._json({"errors": exc.errors}), ",".join(sorted(codes))) from exc
        info.operation, info.fields = operation.kind, tuple(f.name for f in operation.fields)
        return operation

    def _request_body(self, raw: bytes) -> tuple[str, dict[str, object], str | None]:
        try:
            body = json.loads(raw or b"{}")
            variables = body.get("variables") or {}
            variables = json.loads(variables) if isinstance(variables, str) else variables
        except (ValueError, AttributeError) as exc:
            raise Rejected(JSONResponse({"errors": [{"message": "Invalid JSON body"}]}, 400), "400") from exc
        query = body.get("query")
        if not isinstance(query, str) or not query.strip() or not isinstance(variables, dict):
            error = {"message": "No query string was present"}
            raise Rejected(self._json({"errors": [error]}), "GRAPHQL_ERROR")
        name = body.get("operationName")
        return query, variables, name if isinstance(name, str) else None

    def _spend_complexity(self, operation: PreparedOperation, version: str) -> None:
        window = self.state.complexity_window
        if window is None:
            return
        cost = len(operation.fields) * self.state.config.limits.complexity_per_field
        now = self.state.now()
        wait = window.try_consume(now, cost)
        if wait is None:
            return
        extensions: dict[str, Any] = {"code": "COMPLEXITY_BUDGET_EXHAUSTED", "retry_in_seconds": wait}
        if version < UNIFIED_ERRORS_VERSION:
            extensions.update(
                complexity=cost,
                complexity_budget_left=window.remaining(now),
                complexity_budget_limit=window.limit,
                status_code=429,
            )
        error = {"message": "Complexity budget exhausted", "extensions": extensions}
        raise Rejected(self._json({"errors": [error]}, 429, retry_after=wait), "COMPLEXITY_BUDGET_EXHAUSTED")

    def _json(self, body: dict[str, Any], status: int = 200, retry_after: int | None = None) -> JSONResponse:
        body["account_id"] = _numeric(self.state.config.user.account_id)
        body["extensions"] = {"request_id": str(uuid.uuid4())}
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        return JSONResponse(body, status, headers=headers)


def _numeric(value: str) -> int | str:
    return int(value) if value.isdigit() else value
