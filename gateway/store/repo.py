"""Store functions: each takes a ``Session`` and leaves the transaction to the caller (STYLE.md §3)."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from gateway.errors import NotFound
from gateway.store.models import BlobRow, DeliveryRow, DocumentRow, EventRow, InvoiceRow, SequenceRow

__all__ = [
    "InvoiceFilter",
    "NewEvent",
    "append_events",
    "find_invoice_by_sha",
    "get_blob",
    "get_invoice",
    "get_invoice_document",
    "invoice_deliveries",
    "invoice_documents",
    "invoice_events",
    "list_invoices",
    "new_invoice_id",
    "next_sequence",
    "put_blob",
    "sha256_of",
]


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _insert_ignore(session: Session, table: Any, values: dict[str, Any], key: str) -> None:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(pg_insert(table).values(**values).on_conflict_do_nothing(index_elements=[key]))
    elif dialect == "sqlite":
        session.execute(sqlite_insert(table).values(**values).on_conflict_do_nothing(index_elements=[key]))
    else:  # pragma: no cover - only the two databases above are supported
        if session.get(BlobRow, values[key]) is None:
            session.execute(insert(table).values(**values))


def put_blob(session: Session, content: bytes, *, now: dt.datetime) -> str:
    """Store ``content`` once under its SHA-256 and return the hash."""
    digest = sha256_of(content)
    _insert_ignore(
        session, BlobRow, {"sha256": digest, "size": len(content), "content": content, "created_at": now}, "sha256"
    )
    return digest


def get_blob(session: Session, digest: str) -> bytes:
    """Return the bytes stored under ``digest``.

    :raises NotFound: no such blob.
    """
    content = session.scalar(select(BlobRow.content).where(BlobRow.sha256 == digest))
    if content is None:
        raise NotFound(f"no document with sha256 {digest}")
    return content


def find_invoice_by_sha(session: Session, digest: str) -> InvoiceRow | None:
    return session.scalar(select(InvoiceRow).where(InvoiceRow.original_sha256 == digest))


def get_invoice(session: Session, invoice_id: str) -> InvoiceRow:
    """:raises NotFound: no such invoice."""
    row = session.get(InvoiceRow, invoice_id)
    if row is None:
        raise NotFound(f"no invoice {invoice_id}")
    return row


def new_invoice_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event to append (the store's view of :class:`gateway.pipeline.events.Event`)."""

    step: str
    kind: str
    status: str | None = None
    detail: str = ""
    data: dict[str, Any] | None = None
    delivery_id: int | None = None
    at: dt.datetime | None = None
    """When it happened, if not the time of writing."""


def append_events(
    session: Session, invoice: InvoiceRow, events: Sequence[NewEvent], *, now: dt.datetime, parent_id: int | None = None
) -> None:
    """Append events to the invoice's timeline and move its status to the last status they name.

    Events written together are inserted in one statement (an ORM bulk insert: no
    object per row) and share their parent, ``parent_id``, the event they follow
    from when the caller knows it.
    """
    for event in events:
        if event.status is not None:
            invoice.status = event.status
    invoice.updated_at = now
    if not events:
        return
    session.execute(
        insert(EventRow),
        [
            {
                "invoice_id": invoice.id,
                "delivery_id": event.delivery_id,
                "at": event.at or now,
                "step": event.step,
                "kind": event.kind,
                "status": event.status,
                "detail": event.detail[:4000],
                "data": event.data,
                "parent_id": parent_id,
            }
            for event in events
        ],
    )


def invoice_events(session: Session, invoice_id: str) -> list[EventRow]:
    return list(session.scalars(select(EventRow).where(EventRow.invoice_id == invoice_id).order_by(EventRow.id)))


def invoice_documents(session: Session, invoice_id: str) -> list[DocumentRow]:
    return list(
        session.scalars(select(DocumentRow).where(DocumentRow.invoice_id == invoice_id).order_by(DocumentRow.id))
    )


def invoice_deliveries(session: Session, invoice_id: str) -> list[DeliveryRow]:
    return list(
        session.scalars(select(DeliveryRow).where(DeliveryRow.invoice_id == invoice_id).order_by(DeliveryRow.id))
    )


@dataclass(frozen=True, slots=True)
class InvoiceFilter:
    """Search criteria for :func:`list_invoices`; ``None`` means any."""

    partner_id: str | None = None
    status: str | None = None
    number: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    limit: int = 100
    offset: int = 0


def list_invoices(session: Session, criteria: InvoiceFilter) -> tuple[list[InvoiceRow], int]:
    """Return one page of invoices, newest first, and the total count matching."""
    query = select(InvoiceRow)
    conditions = []
    if criteria.partner_id is not None:
        conditions.append(InvoiceRow.partner_id == criteria.partner_id)
    if criteria.status is not None:
        conditions.append(InvoiceRow.status == criteria.status)
    if criteria.number is not None:
        conditions.append(InvoiceRow.number == criteria.number)
    if criteria.since is not None:
        conditions.append(InvoiceRow.created_at >= criteria.since)
    if criteria.until is not None:
        conditions.append(InvoiceRow.created_at < criteria.until)
    if criteria.min_amount is not None:
        conditions.append(InvoiceRow.amount_due >= criteria.min_amount)
    if criteria.max_amount is not None:
        conditions.append(InvoiceRow.amount_due <= criteria.max_amount)
    if conditions:
        query = query.where(*conditions)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(InvoiceRow.created_at.desc(), InvoiceRow.id).limit(criteria.limit).offset(criteria.offset)
    )
    return list(rows), total


def next_sequence(session: Session, name: str) -> int:
    """Return the next value of a named counter (1 first), atomically for the transaction."""
    _insert_ignore(session, SequenceRow, {"name": name, "value": 0}, "name")
    value = session.scalar(
        update(SequenceRow)
        .where(SequenceRow.name == name)
        .values(value=SequenceRow.value + 1)
        .returning(SequenceRow.value)
    )
    assert isinstance(value, int)
    return value


def get_invoice_document(session: Session, invoice_id: str, document_id: int) -> DocumentRow:
    """Return a document of an invoice (a document of another invoice is not found).

    :raises NotFound: the invoice has no such document.
    """
    row = session.scalar(select(DocumentRow).where(DocumentRow.id == document_id, DocumentRow.invoice_id == invoice_id))
    if row is None:
        raise NotFound(f"invoice {invoice_id} has no document {document_id}")
    return row
