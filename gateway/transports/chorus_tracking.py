"""What the Chorus Pro channel remembers about a deposit it follows, and when it polls it next.

A followed delivery is a :class:`TrackedDelivery`: how far its acknowledgements
went (flow state, Chorus Pro invoice id, history entries reported) and its poll
schedule. The gateway stores it as JSON of the dataclass
(:class:`gateway.store.tracking.StoreTracking`), so every field is a basic type
(the next poll time is an ISO-8601 string) and a restarted worker resumes the
schedule where the last one left it.

The schedule backs off: a poll that brings nothing new doubles the wait before
the next poll of that delivery, up to a cap; a poll that brings a change resets
it to the base interval. Chorus Pro invoices wait weeks between statuses, so a
fixed short interval would spend most calls on silence.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Protocol

__all__ = ["InMemoryTracking", "PendingTracking", "PollSchedule", "TrackedDelivery"]


@dataclass(frozen=True, slots=True)
class TrackedDelivery:
    """One deposit being followed, how far its acknowledgements went, and when to poll it next."""

    message_id: str
    flow_number: str
    """``numeroFluxDepot``."""
    flow_state: str | None = None
    """The last flow state reported."""
    invoice_id: int | None = None
    """``identifiantFactureCPP``, once the flow is integrated."""
    statuses_reported: int = 0
    """How many history entries were already reported as acks."""
    next_poll_at: str | None = None
    """When this delivery is next due (ISO-8601, UTC); ``None``: due now (just deposited)."""
    quiet_polls: int = 0
    """Polls in a row that brought nothing new (the backoff exponent)."""

    def due_at(self) -> dt.datetime | None:
        """Return :attr:`next_poll_at` as a datetime (``None``: due now)."""
        return dt.datetime.fromisoformat(self.next_poll_at) if self.next_poll_at else None


@dataclass(frozen=True, slots=True)
class PollSchedule:
    """When a followed delivery is polled again (channel keys ``poll-interval``, ``poll-max-interval``)."""

    interval_s: float = 300.0
    """Wait after a poll that brought a change; ``0`` polls at every round (tests, demo)."""
    max_interval_s: float = 6 * 3600.0
    """Cap of the wait after polls that brought nothing."""

    def delay_s(self, quiet_polls: int) -> float:
        """Return the wait after ``quiet_polls`` silent polls in a row: base × 2ⁿ, capped."""
        # The exponent is bounded so that a delivery silent for months does not overflow a float.
        return min(self.interval_s * 2.0 ** min(quiet_polls, 64), self.max_interval_s)

    def is_due(self, item: TrackedDelivery, now: dt.datetime) -> bool:
        """Return whether ``item`` should be polled at ``now``."""
        due = item.due_at()
        return due is None or due <= now

    def after_poll(self, item: TrackedDelivery, *, changed: bool, now: dt.datetime) -> TrackedDelivery:
        """Return ``item`` rescheduled after a poll at ``now`` that did or did not bring a change."""
        quiet = 0 if changed else item.quiet_polls + 1
        at = now + dt.timedelta(seconds=self.delay_s(quiet))
        return replace(item, quiet_polls=quiet, next_poll_at=at.isoformat())


class PendingTracking(Protocol):
    """Where the channel keeps the deliveries it still follows (the gateway store, in production)."""

    def add(self, item: TrackedDelivery) -> None:
        """Start following a delivery."""
        ...

    def pending(self) -> Iterable[TrackedDelivery]:
        """Return the deliveries still followed."""
        ...

    def update(self, item: TrackedDelivery) -> None:
        """Save a delivery's progress."""
        ...

    def finish(self, message_id: str) -> None:
        """Stop following a delivery."""
        ...


class InMemoryTracking:
    """A :class:`PendingTracking` in a dict (thread-safe); lost at exit."""

    def __init__(self) -> None:
        self._items: dict[str, TrackedDelivery] = {}
        self._lock = threading.Lock()

    def add(self, item: TrackedDelivery) -> None:
        """Start following a delivery."""
        with self._lock:
            self._items[item.message_id] = item

    def pending(self) -> list[TrackedDelivery]:
        """Return the deliveries still followed (a snapshot)."""
        with self._lock:
            return list(self._items.values())

    def update(self, item: TrackedDelivery) -> None:
        """Save a delivery's progress."""
        with self._lock:
            if item.message_id in self._items:
                self._items[item.message_id] = item

    def finish(self, message_id: str) -> None:
        """Stop following a delivery."""
        with self._lock:
            self._items.pop(message_id, None)
