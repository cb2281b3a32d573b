"""The status ladder of an invoice (STYLE.md §6). A status changes only by appending an event."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["TERMINAL", "Status"]


class Status(StrEnum):
    """Where an invoice stands."""

    RECEIVED = "received"
    """Stored as submitted; nothing checked yet."""
    PARSED = "parsed"
    VALIDATED = "validated"
    ROUTED = "routed"
    RENDERED = "rendered"
    QUEUED = "queued"
    """A delivery waits in the outbox."""
    SENT = "sent"
    """The channel took it; an acknowledgement may follow."""
    ACKNOWLEDGED = "acknowledged"
    """The recipient (or its platform) confirmed receipt or processing."""
    REJECTED = "rejected"
    """The recipient refused it."""
    PAID = "paid"
    """A payment status came back (Chorus Pro ``MISE_EN_PAIEMENT``, CDAR 212)."""
    QUARANTINED = "quarantined"
    """Stopped before delivery (unreadable, invalid, unknown recipient); can be replayed."""
    FAILED = "failed"
    """Every delivery attempt on every channel failed (dead letter); can be retried."""
    CANCELLED = "cancelled"


#: Statuses after which nothing happens without a person acting.
TERMINAL = frozenset(
    {Status.ACKNOWLEDGED, Status.REJECTED, Status.PAID, Status.QUARANTINED, Status.FAILED, Status.CANCELLED}
)
