"""Record the outcome of one send attempt: sent, retry later, dead letter, or fall back to the next channel."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from gateway.partners import Partner
from gateway.pipeline.runner import queue_delivery
from gateway.pipeline.status import Status
from gateway.store.models import DeliveryRow, DocumentRow, InvoiceRow
from gateway.store.repo import NewEvent, append_events
from gateway.tracking import record_ack
from gateway.transports.base import Outcome, SendResult

__all__ = ["record_send"]


def record_send(
    session: Session,
    delivery: DeliveryRow,
    result: SendResult,
    partner: Partner | None,
    *,
    now: dt.datetime,
    draw: float,
) -> None:
    """Apply ``result`` to ``delivery`` and append the matching events.

    :param draw: a number in [0, 1) for the backoff jitter.
    """
    invoice = session.get(InvoiceRow, delivery.invoice_id)
    assert invoice is not None
    delivery.lease_owner = None
    delivery.lease_expires_at = None
    delivery.updated_at = now
    attempt = f"attempt {delivery.attempts}/{delivery.max_attempts} over {delivery.channel_type} {delivery.channel!r}"
    data: dict[str, object] = {
        "attempt": delivery.attempts,
        "outcome": result.outcome.value,
        "phases": [{"name": p.name, "seconds": round(p.duration_s, 4), "error": p.error} for p in result.phases],
    }
    if result.outcome is Outcome.DELIVERED:
        delivery.status = "sent"
        delivery.remote_ref = result.remote_ref
        delivery.last_error = None
        data["remote_ref"] = result.remote_ref
        detail = f"{attempt}: delivered" + (f" to {result.remote_ref}" if result.remote_ref else "")
        append_events(session, invoice, [NewEvent("outbox", "sent", Status.SENT, detail, data, delivery.id)], now=now)
        if result.ack is not None:
            session.flush()
            record_ack(session, result.ack, now=now)
        return
    delivery.last_error = result.detail[:2000]
    if result.outcome is Outcome.REJECTED_BY_PEER:
        delivery.status = "rejected"
        append_events(
            session,
            invoice,
            [
                NewEvent(
                    "outbox",
                    "rejected",
                    Status.REJECTED,
                    f"{attempt}: refused by the recipient: {result.detail}",
                    data,
                    delivery.id,
                )
            ],
            now=now,
        )
        return
    if result.retry_feasible and delivery.attempts < delivery.max_attempts and partner is not None:
        wait = partner.retry.delay(delivery.attempts, draw)
        delivery.status = "pending"
        delivery.next_attempt_at = now + dt.timedelta(seconds=wait)
        data["next_attempt_at"] = delivery.next_attempt_at.isoformat()
        detail = f"{attempt} failed: {result.detail}; next attempt in {wait:.1f} s"
        append_events(
            session, invoice, [NewEvent("outbox", "attempt-failed", None, detail, data, delivery.id)], now=now
        )
        return
    delivery.status = "dead"
    why = "no retry can help" if not result.retry_feasible else "no attempts left"
    append_events(
        session,
        invoice,
        [NewEvent("outbox", "dead-lettered", None, f"{attempt} failed: {result.detail} ({why})", data, delivery.id)],
        now=now,
    )
    next_index = delivery.channel_index + 1
    if partner is not None and next_index < len(partner.channels):
        document = session.get(DocumentRow, delivery.document_id)
        assert document is not None
        fallback = queue_delivery(session, invoice, document, partner, channel_index=next_index, now=now)
        channel = partner.channels[next_index]
        append_events(
            session,
            invoice,
            [
                NewEvent(
                    "outbox",
                    "fallback",
                    Status.QUEUED,
                    f"falling back to {channel.type} channel {channel.name!r}",
                    {"message_id": fallback.message_id},
                    fallback.id,
                )
            ],
            now=now,
        )
        return
    append_events(
        session,
        invoice,
        [
            NewEvent(
                "outbox",
                "failed",
                Status.FAILED,
                "every channel failed; `gateway retry` sends again",
                None,
                delivery.id,
            )
        ],
        now=now,
    )
