"""Map errors to HTTP responses, in one place (STYLE.md §12).

Every error answer has the body ``{"error": {"code": ..., "message": ...}}``
(:class:`~gateway.api.schemas.ErrorBody`). The status comes from the error's
``code`` through :data:`STATUS_BY_CODE`, looked up from the most specific code
to its parents (``store.not-found`` → ``store``). Nothing else reaches the
client: an unexpected exception becomes a 500 with a fixed message, and its
details go to the log only.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from formats.errors import AiguillageError
from gateway.api.schemas import ErrorBody, ErrorDetail

__all__ = ["ERROR_RESPONSES", "STATUS_BY_CODE", "UnexpectedErrors", "error_response", "install", "status_for"]

log = logging.getLogger(__name__)

#: Error code → HTTP status. A code not listed takes its parent's status (``a.b.c`` → ``a.b`` → ``a``).
STATUS_BY_CODE: Mapping[str, int] = {
    "error": 500,
    "config": 500,  # the gateway's own files are wrong: the operator must act, not the client
    "artefact": 500,
    "format": 422,
    "format.too-large": 413,
    "routing": 409,
    "transport": 502,
    "transport.transient": 503,
    "store": 503,
    "store.not-found": 404,
    "auth": 401,
    "auth.name-taken": 409,
    "auth.invalid-name": 422,
    "operation": 409,
    "chorus": 502,  # Chorus Pro failed: not the client's request
    "chorus.transient": 503,
    "chorus.api": 409,  # Chorus Pro refused the action (codeRetour): e.g. the invoice is not in that status
    "chorus.protocol": 502,
    "refused": 409,
    "request": 422,
    "http.not-found": 404,
    "http.method-not-allowed": 405,
    "internal": 500,
}

#: HTTP status of a framework error (unknown route, wrong method…) → error code.
_CODE_BY_HTTP_STATUS: Mapping[int, str] = {
    404: "http.not-found",
    405: "http.method-not-allowed",
    413: "format.too-large",
}

#: The error responses every authenticated operation may give, for the OpenAPI document.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Missing or wrong bearer token."},
    422: {"model": ErrorBody, "description": "A parameter is invalid."},
}


def status_for(code: str) -> int:
    """Return the HTTP status of an error code, from the most specific code listed."""
    parts = code.split(".")
    while parts:
        status = STATUS_BY_CODE.get(".".join(parts))
        if status is not None:
            return status
        parts.pop()
    return 500


def error_response(status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    """Return the JSON error answer."""
    body = ErrorBody(error=ErrorDetail(code=code, message=" ".join(message.split())))
    return JSONResponse(body.model_dump(), status_code=status, headers=dict(headers or {}))


def _aiguillage(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AiguillageError)
    status = status_for(exc.code)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if status >= 500:
        log.error("request failed: [%s] %s", exc.code, exc.one_line())
    return error_response(status, exc.code, exc.one_line(), headers)


def _http(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = _CODE_BY_HTTP_STATUS.get(exc.status_code, f"http.{exc.status_code}")
    return error_response(exc.status_code, code, str(exc.detail), exc.headers)


def _invalid(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # The location and reason only: pydantic's "input" would echo what the client sent.
    problems = [
        f"{'.'.join(str(part) for part in error.get('loc', ()))}: {error.get('msg', 'invalid')}"
        for error in exc.errors()[:5]
    ]
    return error_response(422, "request.invalid", "; ".join(problems) or "invalid request")


def install(app: FastAPI) -> None:
    """Register the handlers on ``app`` and wrap it so that no exception escapes as a traceback."""
    app.add_exception_handler(AiguillageError, _aiguillage)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_middleware(UnexpectedErrors)


class UnexpectedErrors:
    """Answer 500 with a fixed message for any exception no handler took (a bug), and log it.

    Starlette's own fallback re-raises after answering, which prints the
    traceback through the server's error log; this keeps it to our logger.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:  # the one place that catches everything: the client gets no details
            # One line for the operator; the traceback only when debug logging is on (as --verbose does).
            log.error("unexpected error answering %s %s", scope.get("method"), scope.get("path"))
            log.debug("traceback of the unexpected error", exc_info=True)
            if started:
                raise
            response = error_response(500, "internal", "internal error; the gateway log has the details")
            await response(scope, receive, send)
