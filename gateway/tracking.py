"""Acknowledgements become events on the invoice's timeline.

An :class:`~gateway.transports.base.Ack` names the message it answers; the
delivery that sent that message is found by its ``message_id``, and the ack's
status is mapped onto the invoice's status ladder. Statuses that do not move
the ladder (Chorus Pro ``MISE_A_DISPOSITION``, an AS2 ``processed/warning``) are
still recorded as events.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.pipeline.status import Status
from gateway.store.models import DeliveryRow, InvoiceRow
from gateway.store.repo import NewEvent, append_events
from gateway.transports.base import Ack

__all__ = ["STATUS_OF_ACK", "record_ack"]

#: Acknowledgement status → (invoice status, delivery status). Unlisted statuses only add an event.
STATUS_OF_ACK: dict[str, tuple[Status, str]] = {
    # generic (MDN processed, CONTRL accepted, SFTP acknowledgement file)
    "accepted": (Status.ACKNOWLEDGED, "acknowledged"),
    "acknowledged": (Status.ACKNOWLEDGED, "acknowledged"),
    "processed": (Status.ACKNOWLEDGED, "acknowledged"),
    "rejected": (Status.REJECTED, "rejected"),
    "failed": (Status.REJECTED, "rejected"),
    # Chorus Pro flow and invoice statuses
    "IN_INTEGRE": (Status.ACKNOWLEDGED, "acknowledged"),
    "IN_INTEGRE_PARTIEL": (Status.ACKNOWLEDGED, "acknowledged"),
    "IN_REJETE": (Status.REJECTED, "rejected"),
    "IN_INCIDENTE": (Status.REJECTED, "rejected"),
    "REJETEE": (Status.REJECTED, "rejected"),
    "MISE_EN_PAIEMENT": (Status.PAID, "acknowledged"),
    # French lifecycle statuses (CDAR): 212 = encaissée (paid), 210 = refusée, 213 = rejetée
    "212": (Status.PAID, "acknowledged"),
    "210": (Status.REJECTED, "rejected"),
    "213": (Status.REJECTED, "rejected"),
}


def record_ack(session: Session, ack: Ack, *, now: dt.datetime) -> bool:
    """Record ``ack`` on the timeline of the invoice whose delivery sent ``ack.message_id``.

    :return: ``False`` when no delivery has that message id (the caller reports it).
    """
    delivery = session.scalar(select(DeliveryRow).where(DeliveryRow.message_id == ack.message_id))
    if delivery is None:
        return False
    invoice = session.get(InvoiceRow, delivery.invoice_id)
    assert invoice is not None
    mapped = STATUS_OF_ACK.get(ack.status)
    status = mapped[0] if mapped else None
    if mapped is not None and delivery.status in ("sent", "acknowledged", "leased", "pending"):
        delivery.status = mapped[1]
        delivery.updated_at = now
    when = ack.at.isoformat() if ack.at else None
    detail = f"{ack.kind}: {ack.status}" + (f" — {ack.detail}" if ack.detail else "")
    data = {"ack": ack.kind, "status": ack.status, "at": when, "terminal": ack.terminal}
    append_events(session, invoice, [NewEvent("tracking", "ack", status, detail, data, delivery.id)], now=now)
    return True
