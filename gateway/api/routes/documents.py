"""Downloads: the original document of an invoice and its renditions, byte for byte."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Response
from sqlalchemy.orm import Session

from gateway.api.errors import ERROR_RESPONSES
from gateway.api.routes.invoices import NOT_FOUND, InvoiceId
from gateway.api.views import original_media_type
from gateway.app import Gateway
from gateway.store.repo import get_blob, get_invoice, get_invoice_document

__all__ = ["build_router", "content_disposition"]

_BYTES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The document's bytes, as stored.",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    },
    **NOT_FOUND,
    **ERROR_RESPONSES,
}


def content_disposition(filename: str) -> str:
    """Return an ``attachment`` header value naming ``filename`` (RFC 6266, with an ASCII fallback)."""
    fallback = "".join(ch if ch.isascii() and ch.isprintable() and ch not in '"\\' else "_" for ch in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def build_router(gateway: Gateway, auth: Callable[..., str]) -> APIRouter:
    """Return the download operations of ``gateway``."""
    router = APIRouter(prefix="/v1/invoices", tags=["documents"], dependencies=[Depends(auth)])

    @router.get("/{invoice_id}/original", summary="Download the submitted document", responses=_BYTES)
    def download_original(invoice_id: InvoiceId) -> Response:
        """The bytes exactly as submitted."""
        with Session(gateway.engine) as session:
            row = get_invoice(session, invoice_id)
            content = get_blob(session, row.original_sha256)
        return _download(content, original_media_type(row.detected), row.original_name)

    @router.get("/{invoice_id}/documents/{document_id}", summary="Download a rendition", responses=_BYTES)
    def download_document(invoice_id: InvoiceId, document_id: Annotated[int, Path(ge=1, le=2**62)]) -> Response:
        """A rendition or acknowledgement listed in the invoice's ``documents``."""
        with Session(gateway.engine) as session:
            doc = get_invoice_document(session, invoice_id, document_id)
            content = get_blob(session, doc.sha256)
        return _download(content, doc.media_type, doc.filename)

    return router


def _download(content: bytes, media_type: str, filename: str) -> Response:
    return Response(content, media_type=media_type, headers={"Content-Disposition": content_disposition(filename)})
