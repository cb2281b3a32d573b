"""Take a document in: store its bytes and an invoice row in one transaction, idempotently.

The same bytes submitted twice give one invoice and a ``duplicate`` event on
it: the original's SHA-256 is unique in the store, so two nodes racing on the
same file also end with one invoice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gateway.pipeline.status import Status
from gateway.store.claims import write_session
from gateway.store.models import InvoiceRow
from gateway.store.repo import NewEvent, append_events, find_invoice_by_sha, new_invoice_id, put_blob, sha256_of

__all__ = ["Submitted", "store_submission", "submit"]


@dataclass(frozen=True, slots=True)
class Submitted:
    """What intake did with one document."""

    invoice_id: str
    duplicate: bool
    status: str


def submit(
    engine: Engine,
    content: bytes,
    *,
    filename: str,
    source: str,
    clock: Callable[[], dt.datetime],
) -> Submitted:
    """Store a document as a new invoice, or record a duplicate submission of a known one."""
    for _ in range(2):
        try:
            return _submit_once(engine, content, filename=filename, source=source, now=clock())
        except IntegrityError:
            continue  # another node stored the same bytes between our check and insert: now it is a duplicate
    return _submit_once(engine, content, filename=filename, source=source, now=clock())


def _submit_once(engine: Engine, content: bytes, *, filename: str, source: str, now: dt.datetime) -> Submitted:
    with write_session(engine) as session, session.begin():
        return store_submission(session, content, filename=filename, source=source, now=now)


def store_submission(session: Session, content: bytes, *, filename: str, source: str, now: dt.datetime) -> Submitted:
    """Do what :func:`submit` does inside the caller's transaction (for a channel that records more with it).

    :raises IntegrityError: another node stored the same bytes meanwhile; retry the transaction.
    """
    digest = sha256_of(content)
    existing = find_invoice_by_sha(session, digest)
    if existing is not None:
        detail = f"the same document was submitted again ({filename} from {source}); kept once"
        append_events(
            session,
            existing,
            [NewEvent("intake", "duplicate", None, detail, {"source": source, "filename": filename})],
            now=now,
        )
        return Submitted(existing.id, True, existing.status)
    put_blob(session, content, now=now)
    invoice = InvoiceRow(
        id=new_invoice_id(),
        created_at=now,
        updated_at=now,
        status=Status.RECEIVED,
        original_sha256=digest,
        original_name=filename[:255],
        source=source[:512],
    )
    session.add(invoice)
    session.flush()
    detail = f"{filename} ({len(content)} bytes) from {source}"
    append_events(
        session,
        invoice,
        [NewEvent("intake", "received", Status.RECEIVED, detail, {"sha256": digest, "size": len(content)})],
        now=now,
    )
    return Submitted(invoice.id, False, Status.RECEIVED)
