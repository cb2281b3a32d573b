"""``POST /as2`` (AS2 messages from partners) and ``POST /as2/mdn`` (asynchronous MDNs for ours).

No bearer token: AS2 authenticates by signatures, checked against the partner
profile that AS2-From/AS2-To name (:mod:`gateway.as2_endpoint`). The body is
read as a stream, chunked or with a Content-Length, and refused with 413 as
soon as it passes the limit, so a huge body never sits in memory whole.

A message is answered with its MDN once the payload is committed to the
store: synchronously in the HTTP answer, or, when the partner asked for an
asynchronous one, with an empty 200 and the MDN POSTed afterwards. An MDN
POSTed to ``/as2`` (partners that use one URL for everything) is taken as if
it came to ``/as2/mdn``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import Response
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from gateway.api.errors import error_response
from gateway.api.limits import too_large_message
from gateway.app import Gateway
from gateway.as2_endpoint import As2Directory, deliver_owed_mdn, receive_mdn, receive_message
from gateway.errors import StoreError
from gateway.transports.as2.mime import Header, header_value

__all__ = ["build_router"]

log = logging.getLogger(__name__)

_AS2_BODY: dict[str, object] = {
    "content": {"application/pkcs7-mime": {}, "multipart/signed": {}, "multipart/report": {}}
}


class _TooLarge(Exception):
    pass


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _TooLarge
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > limit:
            raise _TooLarge
    return bytes(received)


def _headers(request: Request) -> list[Header]:
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, value in request.headers.raw]


def _is_mdn(headers: Sequence[Header], body: bytes) -> bool:
    content_type = (header_value(headers, "Content-Type") or "").lower()
    if "multipart/report" in content_type:
        return True
    # A signed MDN: multipart/signed whose first part is the report.
    return "multipart/signed" in content_type and b"multipart/report" in body[:4096].lower()


def build_router(gateway: Gateway, *, max_bytes: int) -> APIRouter:
    """Return the AS2 endpoint of ``gateway``.

    :param max_bytes: the largest AS2 body taken; larger ones get a 413.
    """
    router = APIRouter(tags=["as2"])
    directory = As2Directory(gateway.partners, clock=gateway.clock)

    async def body_or_error(request: Request) -> bytes | Response:
        try:
            return await _read_body(request, max_bytes)
        except _TooLarge:
            return error_response(413, "format.too-large", too_large_message(max_bytes))
        except ClientDisconnect:
            # A truncated body: nobody is left to read an answer, but the log keeps a trace.
            log.warning("AS2: the client disconnected before sending the whole body")
            return error_response(400, "as2.mime", "the body was truncated")

    def take_mdn(headers: list[Header], body: bytes) -> Response:
        try:
            reception = receive_mdn(gateway.engine, directory, headers, body, clock=gateway.clock)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot file the MDN: {type(exc).__name__}") from exc
        if reception.status >= 300:
            return error_response(reception.status, reception.code, reception.detail)
        return Response(status_code=200)

    def take_message(headers: list[Header], body: bytes, tasks: BackgroundTasks) -> Response:
        if _is_mdn(headers, body):
            return take_mdn(headers, body)
        try:
            reception = receive_message(gateway.engine, directory, headers, body, clock=gateway.clock)
        except SQLAlchemyError as exc:
            # No MDN: nothing is promised, the partner sends again.
            raise StoreError(f"cannot store the AS2 message: {type(exc).__name__}") from exc
        result = reception.result
        if result.mdn is None:
            if result.error is not None:
                return error_response(400, result.error.code, result.disposition.header_value())
            return Response(status_code=200)
        if reception.owed_mdn is not None and reception.peer is not None:
            tasks.add_task(deliver_owed_mdn, gateway.engine, reception.peer, reception.owed_mdn, clock=gateway.clock)
            return Response(status_code=200)
        # Synchronous MDN (or the partner asked for an asynchronous one but could not be identified:
        # posting to a URL named by an unauthenticated message would let anyone aim us at any host).
        return Response(content=result.mdn.body, status_code=200, headers=dict(result.mdn.headers))

    @router.post(
        "/as2",
        summary="Receive an AS2 message",
        openapi_extra={"requestBody": _AS2_BODY},
        responses={200: {"description": "The MDN (synchronous), or empty (asynchronous MDN, or none asked)."}},
    )
    async def receive_as2(request: Request, tasks: BackgroundTasks) -> Response:
        """Process one AS2 message (RFC 4130) and answer with its MDN once the payload is stored."""
        body = await body_or_error(request)
        if isinstance(body, Response):
            return body
        return await run_in_threadpool(take_message, _headers(request), body, tasks)

    @router.post(
        "/as2/mdn",
        summary="Receive an asynchronous AS2 MDN",
        openapi_extra={"requestBody": _AS2_BODY},
        responses={200: {"description": "Verified and filed, or not awaited (logged)."}},
    )
    async def receive_as2_mdn(request: Request) -> Response:
        """Verify an asynchronous MDN for one of our messages and file it for the sender's channel."""
        body = await body_or_error(request)
        if isinstance(body, Response):
            return body
        return await run_in_threadpool(take_mdn, _headers(request), body)

    return router
