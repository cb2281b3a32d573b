"""Run the steps on one invoice and store what they say, in one transaction.

:func:`run_steps` is pure: message in, message and events out. :func:`process`
loads an invoice the worker has leased, runs the steps outside any transaction,
then writes the events, the invoice's summary, the rendition and its outbox row
together, only if the worker still holds the lease (a worker whose lease
expired while it computed must not write over the one that took over).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from formats.model import Invoice
from gateway.partners import Partner
from gateway.pipeline.events import Event
from gateway.pipeline.message import Message, StepContext
from gateway.pipeline.status import Status
from gateway.pipeline.steps import STEPS
from gateway.store.claims import write_session
from gateway.store.models import BlobRow, DeliveryRow, DocumentRow, InvoiceRow
from gateway.store.repo import NewEvent, append_events, put_blob

__all__ = ["Step", "new_message_id", "process", "quarantine_on_crash", "run_steps"]

Step = Callable[[Message, StepContext], list[Event]]


def run_steps(
    message: Message,
    context: StepContext,
    steps: Sequence[Step] = STEPS,
    *,
    clock: Callable[[], dt.datetime] | None = None,
) -> tuple[Message, list[Event]]:
    """Run ``steps`` in order until one quarantines the invoice.

    :param clock: when given, each event is stamped with the time its step finished.
    """
    events: list[Event] = []
    for step in steps:
        produced = step(message, context)
        if clock is not None:
            finished = clock()
            produced = [dataclasses.replace(event, at=finished) for event in produced]
        events += produced
        message = message.apply(produced)
        if message.quarantined:
            break
    return message, events


def new_message_id() -> str:
    """Return a globally unique message id.

    Plain hex, so that it survives in file names and in the default acknowledgement
    file pattern; AS2 wraps it in its ``<id@domain>`` form itself.
    """
    return uuid.uuid4().hex


def process(
    engine: Engine, invoice_id: str, context: StepContext, *, worker: str, clock: Callable[[], dt.datetime]
) -> str | None:
    """Run the pipeline on a leased invoice and store the outcome.

    :return: the invoice's new status, or ``None`` when the lease was lost.
    """
    with Session(engine) as session:
        found = session.execute(
            select(InvoiceRow.lease_owner, InvoiceRow.original_name, InvoiceRow.source, BlobRow.content)
            .join(BlobRow, BlobRow.sha256 == InvoiceRow.original_sha256)
            .where(InvoiceRow.id == invoice_id)
        ).one_or_none()
    if found is None or found.lease_owner != worker:
        return None
    message = Message(invoice_id, found.content, found.original_name, found.source)
    message, events = run_steps(message, context, clock=clock)
    now = clock()
    with write_session(engine) as session, session.begin():
        row = session.scalar(select(InvoiceRow).where(InvoiceRow.id == invoice_id).with_for_update())
        if row is None or row.lease_owner != worker or row.status != Status.RECEIVED:
            return None
        _summarise(row, message.parsed.invoice if message.parsed else None)
        row.partner_id = message.partner_id
        if message.detected is not None:
            row.detected = message.detected.kind.value
        stored = [NewEvent(e.step, e.kind, e.status, e.detail, dict(e.data) or None, at=e.at) for e in events]
        row.lease_owner = None
        row.lease_expires_at = None
        if message.quarantined:
            append_events(session, row, stored, now=now)
            row.quarantine_code = _code(events)
            return row.status
        row.quarantine_code = None
        partner = context.partners.partners[message.partner_id] if message.partner_id else None
        assert partner is not None and message.renditions, "an invoice that is not quarantined is routed and rendered"
        rendition = message.renditions[-1]
        digest = put_blob(session, rendition.content, now=now)
        document = DocumentRow(
            invoice_id=invoice_id,
            role="rendition",
            format=rendition.format,
            media_type=rendition.media_type,
            filename=rendition.filename,
            sha256=digest,
            created_at=now,
        )
        delivery = queue_delivery(session, row, document, partner, channel_index=0, now=now)
        channel = partner.channels[0]
        queued = NewEvent(
            "outbox",
            "queued",
            Status.QUEUED,
            f"over {channel.type} channel {channel.name!r}",
            {"message_id": delivery.message_id},
            delivery.id,
        )
        append_events(session, row, [*stored, queued], now=now)
        return row.status


def queue_delivery(
    session: Any, invoice: InvoiceRow, document: DocumentRow, partner: Partner, *, channel_index: int, now: dt.datetime
) -> DeliveryRow:
    """Add an outbox row for ``document`` over the partner's channel number ``channel_index``."""
    channel = partner.channels[channel_index]
    delivery = DeliveryRow(
        invoice_id=invoice.id,
        document=document,
        partner_id=partner.id,
        channel=channel.name,
        channel_type=channel.type,
        channel_index=channel_index,
        message_id=new_message_id(),
        status="pending",
        attempts=0,
        max_attempts=partner.retry.max_attempts,
        next_attempt_at=now,
        created_at=now,
        updated_at=now,
    )
    session.add(delivery)
    session.flush()
    return delivery


def _code(events: Sequence[Event]) -> str:
    for event in reversed(events):
        if event.quarantines:
            return str(event.data.get("code", "quarantined"))
    return "quarantined"


def _summarise(row: InvoiceRow, invoice: Invoice | None) -> None:
    if invoice is None:
        return
    row.number = (invoice.number or "")[:128] or None
    row.issue_date = invoice.issue_date
    row.due_date = invoice.due_date
    row.currency = invoice.currency
    row.amount_due = invoice.totals.payable if invoice.totals is not None else None
    row.seller_name = (invoice.seller.name or "")[:255] or None if invoice.seller else None
    row.buyer_name = (invoice.buyer.name or "")[:255] or None if invoice.buyer else None


def quarantine_on_crash(engine: Engine, invoice_id: str, error: Exception, *, worker: str, now: dt.datetime) -> None:
    """Quarantine an invoice whose processing raised unexpectedly, so that it is not retried forever.

    The event names the exception type only: its text may quote the document.
    """
    with write_session(engine) as session, session.begin():
        row = session.get(InvoiceRow, invoice_id)
        if row is None or row.lease_owner != worker:
            return
        row.lease_owner = None
        row.lease_expires_at = None
        row.quarantine_code = "internal"
        detail = f"internal error ({type(error).__name__}) while processing; see the worker log, then `gateway retry`"
        append_events(
            session,
            row,
            [NewEvent("pipeline", "quarantined", Status.QUARANTINED, detail, {"code": "internal"})],
            now=now,
        )
