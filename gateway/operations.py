"""What an operator does by hand: retry, replay, cancel. Each is audited and lands on the timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from gateway.errors import Refused
from gateway.pipeline.status import Status
from gateway.store.claims import write_session
from gateway.store.models import AuditRow, DeliveryRow
from gateway.store.repo import NewEvent, append_events, get_invoice

__all__ = ["NothingToDo", "cancel_invoice", "retry_invoice"]


class NothingToDo(Refused):
    """The invoice is in no state the operation applies to."""

    code = "operation.nothing-to-do"


def retry_invoice(engine: Engine, invoice_id: str, *, actor: str, clock: Callable[[], dt.datetime]) -> str:
    """Send again, or run the pipeline again.

    A quarantined invoice is replayed from intake with the current partner
    files, mappings and artefacts (after the fix); dead-lettered deliveries are
    queued again with a fresh attempt count.

    :return: a one-line description of what was done.
    :raises NotFound: no such invoice.
    :raises NothingToDo: nothing failed on this invoice.
    """
    now = clock()
    with write_session(engine) as session, session.begin():
        invoice = get_invoice(session, invoice_id)
        if invoice.status == Status.QUARANTINED:
            reason = invoice.quarantine_code or "quarantined"
            invoice.quarantine_code = None
            invoice.lease_owner = None
            invoice.lease_expires_at = None
            detail = f"replayed by {actor} (was quarantined: {reason})"
            append_events(session, invoice, [NewEvent("operator", "replayed", Status.RECEIVED, detail)], now=now)
            _audit(session, actor, "replay", invoice_id, reason, now)
            return f"invoice {invoice_id}: replayed from intake"
        dead = list(
            session.scalars(
                select(DeliveryRow).where(
                    DeliveryRow.invoice_id == invoice_id, DeliveryRow.status.in_(("dead", "rejected"))
                )
            )
        )
        if not dead:
            raise NothingToDo(f"invoice {invoice_id} is {invoice.status}: nothing to retry")
        for delivery in dead:
            delivery.status = "pending"
            delivery.attempts = 0
            delivery.next_attempt_at = now
            delivery.last_error = None
            delivery.updated_at = now
        detail = f"{len(dead)} delivery(ies) queued again by {actor}"
        append_events(session, invoice, [NewEvent("operator", "retried", Status.QUEUED, detail)], now=now)
        _audit(session, actor, "retry", invoice_id, detail, now)
        return f"invoice {invoice_id}: {detail}"


def cancel_invoice(engine: Engine, invoice_id: str, *, actor: str, clock: Callable[[], dt.datetime]) -> str:
    """Stop every delivery not yet made; the invoice is marked cancelled.

    :raises NotFound: no such invoice.
    :raises NothingToDo: already delivered, acknowledged or cancelled.
    """
    now = clock()
    with write_session(engine) as session, session.begin():
        invoice = get_invoice(session, invoice_id)
        if invoice.status in (Status.CANCELLED, Status.SENT, Status.ACKNOWLEDGED, Status.PAID, Status.REJECTED):
            raise NothingToDo(f"invoice {invoice_id} is {invoice.status}: it can no longer be cancelled")
        open_rows = list(
            session.scalars(
                select(DeliveryRow).where(
                    DeliveryRow.invoice_id == invoice_id, DeliveryRow.status.in_(("pending", "leased", "dead"))
                )
            )
        )
        for delivery in open_rows:
            delivery.status = "cancelled"
            delivery.updated_at = now
        invoice.lease_owner = None
        detail = f"cancelled by {actor}" + (f" ({len(open_rows)} delivery(ies) stopped)" if open_rows else "")
        append_events(session, invoice, [NewEvent("operator", "cancelled", Status.CANCELLED, detail)], now=now)
        _audit(session, actor, "cancel", invoice_id, detail, now)
        return f"invoice {invoice_id}: {detail}"


def _audit(session: Session, actor: str, action: str, target: str, detail: str, now: dt.datetime) -> None:
    session.add(AuditRow(at=now, actor=actor, action=action, target=target, detail=detail))
