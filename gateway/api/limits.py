"""Refuse request bodies larger than a limit before they are read into memory or spooled to disk.

A declared ``Content-Length`` over the limit is answered 413 at once; a chunked
body is counted as it arrives and stopped as soon as it passes the limit.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.api.errors import error_response

__all__ = ["BodyLimit", "too_large_message"]


def too_large_message(limit: int) -> str:
    """Return the message of a 413 answer."""
    return f"the request is larger than the limit of {limit} bytes; send a smaller file"


class BodyLimit:
    """ASGI middleware limiting the size of every request body."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            response = error_response(413, "format.too-large", too_large_message(self.max_bytes))
            await response(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # FastAPI lets an HTTPException raised while reading the body through to the handlers.
                    raise HTTPException(413, too_large_message(self.max_bytes))
            return message

        await self.app(scope, counted, send)
