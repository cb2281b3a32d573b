"""An invoice's timeline as text lines, for the CLI and the demo."""

from __future__ import annotations

from sqlalchemy.orm import Session

from gateway.store.repo import get_invoice, invoice_deliveries, invoice_events

__all__ = ["timeline_lines"]


def timeline_lines(session: Session, invoice_id: str) -> list[str]:
    """Return the invoice's header, one line per event, and one per delivery."""
    row = get_invoice(session, invoice_id)
    lines = [
        f"invoice {row.id}  {row.number or '(no number)'}  status {row.status}",
        f"  from {row.source} ({row.original_name}); seller {row.seller_name or '-'}; buyer {row.buyer_name or '-'}",
    ]
    if row.quarantine_code:
        lines.append(f"  quarantined: {row.quarantine_code}  (fix, then `gateway retry {row.id}`)")
    lines.append(f"  {'time (UTC)':<23}  {'step':<9}  {'event':<14}  {'status':<12}  detail")
    for event in invoice_events(session, row.id):
        stamp = f"{event.at:%Y-%m-%d %H:%M:%S.%f}"[:-3]
        lines.append(f"  {stamp}  {event.step:<9}  {event.kind:<14}  {(event.status or ''):<12}  {event.detail}")
    for delivery in invoice_deliveries(session, row.id):
        lines.append(
            f"  delivery {delivery.id}: {delivery.channel_type} {delivery.channel!r} {delivery.status}, "
            f"{delivery.attempts}/{delivery.max_attempts} attempt(s), message {delivery.message_id}"
        )
    return lines
