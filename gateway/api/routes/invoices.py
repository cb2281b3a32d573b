"""``/v1/invoices``: submit, search, and look at one invoice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Path, Query, Response, UploadFile, status
from sqlalchemy.orm import Session

from formats.errors import InputTooLarge, ParseError
from gateway.api.errors import ERROR_RESPONSES
from gateway.api.limits import too_large_message
from gateway.api.schemas import ErrorBody, InvoiceDetail, InvoicePage, SubmittedOut
from gateway.api.views import invoice_detail, invoice_summary
from gateway.app import Gateway
from gateway.pipeline.status import Status
from gateway.store.repo import (
    InvoiceFilter,
    get_invoice,
    invoice_deliveries,
    invoice_documents,
    invoice_events,
    list_invoices,
)

__all__ = ["NOT_FOUND", "InvoiceId", "build_router"]

#: The invoice id of a path. Any string is accepted, so that an unknown id is a 404 whatever its shape.
InvoiceId = Annotated[str, Path(min_length=1, max_length=64, description="The invoice id (a UUID).")]

NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorBody, "description": "No such invoice."}}

#: Bounds of a money filter: what the store's ``Numeric(19, 4)`` holds.
_MIN_MONEY = Decimal("-999999999999999")
_MAX_MONEY = Decimal("999999999999999")
Money = Annotated[Decimal | None, Query(ge=_MIN_MONEY, le=_MAX_MONEY, max_digits=19, decimal_places=4)]


def build_router(gateway: Gateway, auth: Callable[..., str], *, max_upload_bytes: int) -> APIRouter:
    """Return the invoice operations of ``gateway``.

    :param auth: the token dependency (:func:`gateway.api.auth.bearer_auth`).
    :param max_upload_bytes: the largest document :func:`submit_invoice` takes.
    """
    router = APIRouter(prefix="/v1/invoices", tags=["invoices"], dependencies=[Depends(auth)])

    @router.post(
        "",
        status_code=status.HTTP_201_CREATED,
        response_description="A new invoice was created.",
        summary="Submit an invoice document",
        responses={
            200: {"model": SubmittedOut, "description": "The same bytes were submitted before: the earlier invoice."},
            413: {"model": ErrorBody, "description": "The file is larger than the limit."},
            **ERROR_RESPONSES,
        },
    )
    def submit_invoice(
        response: Response,
        file: Annotated[UploadFile, File(description="The document: UBL, CII, Factur-X PDF, EDIFACT…")],
        source: Annotated[
            str | None, Form(min_length=1, max_length=200, description="Where it comes from (default `api`).")
        ] = None,
    ) -> SubmittedOut:
        """Store the document as a new invoice; a worker then reads, validates, routes and delivers it.

        Submitting the same bytes again is harmless: the answer is 200 with the
        earlier invoice's id, and the timeline records the duplicate.
        """
        content = file.file.read(max_upload_bytes + 1)
        if len(content) > max_upload_bytes:
            raise InputTooLarge(too_large_message(max_upload_bytes))
        if not content:
            raise ParseError("the uploaded file is empty")
        done = gateway.submit(content, filename=_filename(file.filename), source=source or "api")
        if done.duplicate:
            response.status_code = status.HTTP_200_OK
        return SubmittedOut(id=done.invoice_id, duplicate=done.duplicate, status=Status(done.status))

    @router.get("", summary="Search invoices", responses=ERROR_RESPONSES)
    def search_invoices(
        partner: Annotated[str | None, Query(min_length=1, max_length=128, description="Recipient partner id.")] = None,
        status: Annotated[Status | None, Query()] = None,
        number: Annotated[str | None, Query(min_length=1, max_length=128, description="BT-1, exactly.")] = None,
        since: Annotated[
            dt.datetime | None, Query(description="Received at or after (ISO 8601; a date is midnight UTC).")
        ] = None,
        until: Annotated[dt.datetime | None, Query(description="Received before (exclusive; ISO 8601).")] = None,
        min_amount: Money = None,
        max_amount: Money = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    ) -> InvoicePage:
        """List invoices, newest first, with the number matching over all pages."""
        criteria = InvoiceFilter(
            partner_id=partner,
            status=status,
            number=number,
            since=_utc(since),
            until=_utc(until),
            min_amount=min_amount,
            max_amount=max_amount,
            limit=limit,
            offset=offset,
        )
        with Session(gateway.engine) as session:
            rows, total = list_invoices(session, criteria)
            items = [invoice_summary(row) for row in rows]
        return InvoicePage(total=total, limit=limit, offset=offset, items=items)

    @router.get("/{invoice_id}", summary="One invoice", responses={**NOT_FOUND, **ERROR_RESPONSES})
    def show_invoice(invoice_id: InvoiceId) -> InvoiceDetail:
        """The invoice's summary, its original and renditions, its deliveries and its timeline."""
        with Session(gateway.engine) as session:
            row = get_invoice(session, invoice_id)
            return invoice_detail(
                row,
                invoice_documents(session, invoice_id),
                invoice_deliveries(session, invoice_id),
                invoice_events(session, invoice_id),
            )

    return router


def _filename(given: str | None) -> str:
    # Only the last component, whatever separator the client used: the name is shown and reused for downloads.
    name = PurePosixPath((given or "").replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable())
    return name or "upload"


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    # A time without a zone is taken as UTC, the store's zone.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)
